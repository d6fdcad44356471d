import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../lib/auth/api-keys";
import { createSession } from "../../lib/auth/sessions";
import { createUser } from "../../lib/auth/users";
import { sharedRequestKey } from "../../lib/web/shared-requests";
import { closeConnections, freshDatabase } from "./support/db";

// who may share a render (lib/web/shared-requests.ts): a page with the same filters, role and
// encoding; a metrics API read with the same query and encoding, for anyone allowed to read
const tokens: Record<string, string> = {};
const keys: Record<string, string> = {};

beforeAll(async () => {
  await freshDatabase();
  for (const [name, role] of [["admin1", "admin"], ["admin2", "admin"], ["viewer1", "viewer"], ["viewer2", "viewer"]] as const) {
    const u = await createUser({ email: `${name}@example.com`, password: `${name}-password`, role }, { actor: "system" });
    tokens[name] = (await createSession(u.id)).token;
  }
  for (const [name, scopes] of [["read", ["read"]], ["read2", ["read", "ingest"]], ["ingest", ["ingest"]]] as const) {
    keys[name] = (await createApiKey({ name, scopes: [...scopes], createdBy: "cli" })).key;
  }
});
afterAll(closeConnections);

function req(url: string, who: string | null, headers: Record<string, string> = {}, method = "GET"): IncomingMessage {
  const cookie = who ? `theme=dark; hsd_session=${tokens[who] ?? who}` : undefined;
  return { method, url, headers: { ...(cookie ? { cookie } : {}), "accept-encoding": "gzip", ...headers } } as unknown as IncomingMessage;
}

const bearer = (url: string, key: string) => req(url, null, { authorization: `Bearer ${key}` });

describe("sharedRequestKey", () => {
  it("is the same for two users of one role, and differs by role, page, filters and encoding", async () => {
    const a1 = await sharedRequestKey(req("/?channel=chat", "admin1"));
    expect(a1).not.toBeNull();
    expect(await sharedRequestKey(req("/?channel=chat", "admin2"))).toBe(a1);
    const v1 = await sharedRequestKey(req("/?channel=chat", "viewer1"));
    expect(v1).not.toBeNull();
    expect(await sharedRequestKey(req("/?channel=chat", "viewer2"))).toBe(v1);
    const others = [
      v1,
      await sharedRequestKey(req("/?channel=email", "admin1")),
      await sharedRequestKey(req("/channels?channel=chat", "admin1")),
      await sharedRequestKey(req("/?channel=chat", "admin1", { "accept-encoding": "identity" })),
    ];
    expect(new Set([a1, ...others]).size).toBe(5);
  });

  it("covers the dashboard pages and no other page", async () => {
    for (const page of ["/", "/channels", "/ai-quality", "/cost", "/data-quality", "/metrics/verified_resolution", "/conversations/c-1"]) {
      expect(await sharedRequestKey(req(page, "viewer1")), page).not.toBeNull();
    }
    for (const page of ["/settings", "/admin/upload", "/admin/users", "/signin", "/setup", "/api/v1/audit", "/channels/extra", "/_next/static/x.js"]) {
      expect(await sharedRequestKey(req(page, "admin1")), page).toBeNull();
    }
  });

  it("leaves alone what is not a signed-in page load: no or a bad session, other methods, client navigations", async () => {
    expect(await sharedRequestKey(req("/", null))).toBeNull();
    expect(await sharedRequestKey(req("/", "not-a-session"))).toBeNull();
    expect(await sharedRequestKey(req("/", "A".repeat(43)))).toBeNull();
    expect(await sharedRequestKey(req("/", "admin1", {}, "POST"))).toBeNull();
    expect(await sharedRequestKey(req("/", "admin1", {}, "HEAD"))).toBeNull();
    for (const h of ["rsc", "next-router-prefetch", "next-router-state-tree", "next-action"]) {
      expect(await sharedRequestKey(req("/", "admin1", { [h]: "1" })), h).toBeNull();
    }
    expect(await sharedRequestKey(req("/?_rsc=abc", "admin1"))).toBeNull();
  });

  it("metrics API reads: one key for every caller allowed to read, none for the others", async () => {
    for (const path of ["/api/v1/metrics", "/api/v1/metrics/timeseries"]) {
      const url = `${path}?from=2026-01-01&to=2026-01-28&group_by=channel`;
      const k = await sharedRequestKey(bearer(url, keys.read));
      expect(k, path).not.toBeNull();
      expect(await sharedRequestKey(bearer(url, keys.read2))).toBe(k);
      expect(await sharedRequestKey(req(url, "viewer1"))).toBe(k);
      expect(await sharedRequestKey(req(url, "admin2"))).toBe(k);
      expect(await sharedRequestKey(bearer(`${path}?from=2026-01-02&to=2026-01-28&group_by=channel`, keys.read))).not.toBe(k);
      // refused callers are left to the route, which answers 401 / 403
      expect(await sharedRequestKey(bearer(url, keys.ingest))).toBeNull();
      expect(await sharedRequestKey(bearer(url, "hsd_not_a_key"))).toBeNull();
      expect(await sharedRequestKey(req(url, null, { authorization: "Basic abc" }))).toBeNull();
      expect(await sharedRequestKey(req(url, null))).toBeNull();
      expect(await sharedRequestKey(req(url, "not-a-session"))).toBeNull();
    }
    expect(await sharedRequestKey(bearer("/?channel=chat", keys.read))).toBeNull();
    for (const path of ["/api/v1/events", "/api/v1/conversations.csv", "/api/v1/audit", "/api/v1/uploads"]) {
      expect(await sharedRequestKey(bearer(path, keys.read)), path).toBeNull();
    }
  });
});
