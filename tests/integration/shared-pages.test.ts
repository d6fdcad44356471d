import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../lib/auth/sessions";
import { createUser } from "../../lib/auth/users";
import { sharedPageKey } from "../../lib/web/shared-pages";
import { closeConnections, freshDatabase } from "./support/db";

// who may share a dashboard page's render (lib/web/shared-pages.ts): same page, filters, role and encoding
const tokens: Record<string, string> = {};

beforeAll(async () => {
  await freshDatabase();
  for (const [name, role] of [["admin1", "admin"], ["admin2", "admin"], ["viewer1", "viewer"], ["viewer2", "viewer"]] as const) {
    const u = await createUser({ email: `${name}@example.com`, password: `${name}-password`, role }, { actor: "system" });
    tokens[name] = (await createSession(u.id)).token;
  }
});
afterAll(closeConnections);

function req(url: string, who: string | null, headers: Record<string, string> = {}, method = "GET"): IncomingMessage {
  const cookie = who ? `theme=dark; hsd_session=${tokens[who] ?? who}` : undefined;
  return { method, url, headers: { ...(cookie ? { cookie } : {}), "accept-encoding": "gzip", ...headers } } as unknown as IncomingMessage;
}

describe("sharedPageKey", () => {
  it("is the same for two users of one role, and differs by role, page, filters and encoding", async () => {
    const a1 = await sharedPageKey(req("/?channel=chat", "admin1"));
    expect(a1).not.toBeNull();
    expect(await sharedPageKey(req("/?channel=chat", "admin2"))).toBe(a1);
    const v1 = await sharedPageKey(req("/?channel=chat", "viewer1"));
    expect(v1).not.toBeNull();
    expect(await sharedPageKey(req("/?channel=chat", "viewer2"))).toBe(v1);
    const others = [
      v1,
      await sharedPageKey(req("/?channel=email", "admin1")),
      await sharedPageKey(req("/channels?channel=chat", "admin1")),
      await sharedPageKey(req("/?channel=chat", "admin1", { "accept-encoding": "identity" })),
    ];
    expect(new Set([a1, ...others]).size).toBe(5);
  });

  it("covers the dashboard pages and nothing else", async () => {
    for (const page of ["/", "/channels", "/ai-quality", "/cost", "/data-quality", "/metrics/verified_resolution", "/conversations/c-1"]) {
      expect(await sharedPageKey(req(page, "viewer1")), page).not.toBeNull();
    }
    for (const page of ["/settings", "/admin/upload", "/admin/users", "/signin", "/setup", "/api/v1/metrics", "/channels/extra", "/_next/static/x.js"]) {
      expect(await sharedPageKey(req(page, "admin1")), page).toBeNull();
    }
  });

  it("leaves alone what is not a signed-in page load: no or a bad session, other methods, client navigations", async () => {
    expect(await sharedPageKey(req("/", null))).toBeNull();
    expect(await sharedPageKey(req("/", "not-a-session"))).toBeNull();
    expect(await sharedPageKey(req("/", "A".repeat(43)))).toBeNull();
    expect(await sharedPageKey(req("/", "admin1", {}, "POST"))).toBeNull();
    expect(await sharedPageKey(req("/", "admin1", {}, "HEAD"))).toBeNull();
    for (const h of ["rsc", "next-router-prefetch", "next-router-state-tree", "next-action"]) {
      expect(await sharedPageKey(req("/", "admin1", { [h]: "1" })), h).toBeNull();
    }
    expect(await sharedPageKey(req("/?_rsc=abc", "admin1"))).toBeNull();
  });
});
