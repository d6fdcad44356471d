import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as setupPost } from "../../app/api/auth/setup/route";
import { AuthError } from "../../lib/auth/errors";
import { resolveSession } from "../../lib/auth/sessions";
import { completeSetup, prepareFirstRun, SETUP_TOKEN_KEY } from "../../lib/auth/setup";
import { sha256Hex } from "../../lib/auth/tokens";
import { listUsers, verifyCredentials } from "../../lib/auth/users";
import { prisma } from "../../lib/db/prisma";
import { closeConnections, freshDatabase } from "./support/db";

beforeAll(async () => {
  await freshDatabase();
});
afterAll(closeConnections);
beforeEach(async () => {
  delete process.env.ADMIN_EMAIL;
  delete process.env.ADMIN_PASSWORD;
  await prisma().user.deleteMany();
  await prisma().setting.deleteMany();
});

const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (e instanceof AuthError ? e.code : `unexpected: ${String(e)}`),
  );

describe("first run", () => {
  it("creates a one-time token, stored only as sha256, that works once", async () => {
    const first = await prepareFirstRun();
    expect(first?.setupToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setting = await prisma().setting.findUnique({ where: { key: SETUP_TOKEN_KEY } });
    expect(setting?.value).toBe(sha256Hex(first!.setupToken));

    // a restart replaces the token: the old one stops working
    const second = await prepareFirstRun();
    expect(second!.setupToken).not.toBe(first!.setupToken);
    expect(await code(completeSetup(first!.setupToken, "root@example.com", "root-password"))).toBe("invalid_token");
    expect(await code(completeSetup("", "root@example.com", "root-password"))).toBe("invalid_token");
    expect(await listUsers()).toHaveLength(0);

    const admin = await completeSetup(second!.setupToken, "Root@Example.com", "root-password");
    expect(admin).toMatchObject({ email: "root@example.com", role: "admin" });
    expect(await prisma().setting.findUnique({ where: { key: SETUP_TOKEN_KEY } })).toBeNull();

    // not again: neither the same token nor a fresh one once a user exists
    expect(await code(completeSetup(second!.setupToken, "evil@example.com", "evil-password"))).toBe("setup_done");
    expect(await prepareFirstRun()).toBeNull();
    expect((await listUsers()).map((u) => u.email)).toEqual(["root@example.com"]);
  });

  it("validates the admin's email and password", async () => {
    const t = (await prepareFirstRun())!.setupToken;
    expect(await code(completeSetup(t, "nope", "root-password"))).toBe("invalid_input");
    expect(await code(completeSetup(t, "root@example.com", "short"))).toBe("invalid_input");
    expect(await listUsers()).toHaveLength(0);
  });

  it("concurrent completions with the right token create exactly one admin", async () => {
    const t = (await prepareFirstRun())!.setupToken;
    const results = await Promise.all([
      code(completeSetup(t, "a@example.com", "password-a")),
      code(completeSetup(t, "b@example.com", "password-b")),
    ]);
    expect(results.sort()).toEqual(["ok", "setup_done"]);
    expect(await listUsers()).toHaveLength(1);
  });

  it("ADMIN_EMAIL / ADMIN_PASSWORD create the admin and no token", async () => {
    await prepareFirstRun(); // a stale token from an earlier start
    process.env.ADMIN_EMAIL = "Ops@Example.com";
    process.env.ADMIN_PASSWORD = "ops-password";
    expect(await prepareFirstRun()).toBeNull();
    expect(await listUsers()).toMatchObject([{ email: "ops@example.com", role: "admin" }]);
    expect(await verifyCredentials("ops@example.com", "ops-password")).not.toBeNull();
    expect(await prisma().setting.count({ where: { key: SETUP_TOKEN_KEY } })).toBe(0);
    // idempotent on the next start
    expect(await prepareFirstRun()).toBeNull();
    expect(await listUsers()).toHaveLength(1);
  });

  it("a bad ADMIN_PASSWORD is a clear error", async () => {
    process.env.ADMIN_EMAIL = "ops@example.com";
    process.env.ADMIN_PASSWORD = "short";
    await expect(prepareFirstRun()).rejects.toThrow(/ADMIN_EMAIL\/ADMIN_PASSWORD: password/);
  });
});

describe("POST /api/auth/setup", () => {
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    new Request("http://localhost:3000/api/auth/setup", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields),
    });

  it("creates the admin, signs them in and 303s to /", async () => {
    const t = (await prepareFirstRun())!.setupToken;
    const bad = await setupPost(form({ token: "wrong", email: "root@example.com", password: "root-password" }));
    expect(bad.status).toBe(303);
    expect(bad.headers.get("location")).toMatch(/^\/setup\?token=wrong&error=invalid_token/);
    const short = await setupPost(form({ token: t, email: "root@example.com", password: "x" }));
    expect(short.headers.get("location")).toContain("error=password");

    const res = await setupPost(form({ token: t, email: "root@example.com", password: "root-password" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^hsd_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain("HttpOnly");
    const token = /^hsd_session=([^;]+)/.exec(setCookie)![1];
    expect(await resolveSession(token)).toMatchObject({ email: "root@example.com", role: "admin" });
    expect(res.headers.getSetCookie()[1]).toMatch(/^hsd_email=root%40example\.com;/);

    const again = await setupPost(form({ token: t, email: "x@example.com", password: "x-password" }));
    expect(again.headers.get("location")).toContain("error=setup_done");
  });

  it("JSON: 400 naming the field, 403 for a bad token", async () => {
    await prepareFirstRun();
    const json = (body: unknown) =>
      setupPost(new Request("http://localhost:3000/api/auth/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
    const missing = await json({ token: "t", password: "long-enough" });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatchObject({ code: "bad_request", field: "email" });
    const badToken = await json({ token: "t", email: "a@example.com", password: "long-enough" });
    expect(badToken.status).toBe(403);
    expect((await badToken.json()).error.code).toBe("invalid_token");
    const notJson = await setupPost(new Request("http://localhost:3000/api/auth/setup", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }));
    expect(notJson.status).toBe(400);
  });
});
