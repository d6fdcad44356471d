import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as signinPost } from "../../app/api/auth/signin/route";
import { POST as signoutPost } from "../../app/api/auth/signout/route";
import { run as apiKeyCli } from "../../cli/commands/api-key";
import { run as userCli } from "../../cli/commands/user";
import { findActiveKey } from "../../lib/auth/api-keys";
import { resolveSession } from "../../lib/auth/sessions";
import { sha256Hex } from "../../lib/auth/tokens";
import { createUser, listUsers } from "../../lib/auth/users";
import { pool } from "../../lib/db/pool";
import { closeConnections, freshDatabase } from "./support/db";

beforeAll(async () => {
  await freshDatabase();
  await createUser({ email: "admin@example.com", password: "admin-password", role: "admin" });
});
afterAll(closeConnections);

const BASE = "http://localhost:3000";
const signinForm = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  signinPost(
    new Request(`${BASE}/api/auth/signin`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields),
    }),
  );
const sessionFrom = (res: Response) => /^hsd_session=([^;]*)/.exec(res.headers.get("set-cookie") ?? "")?.[1];

describe("POST /api/auth/signin", () => {
  it("form: sets the cookie and 303s to a safe next", async () => {
    const res = await signinForm({ email: "ADMIN@example.com", password: "admin-password", next: "/admin/keys?x=1" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/keys?x=1");
    const [cookie, email] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^hsd_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    expect(await resolveSession(sessionFrom(res))).toMatchObject({ email: "admin@example.com" });
    // the header's email (components/signed-in-as.tsx): the stored spelling, readable by the page
    expect(email).toMatch(/^hsd_email=admin%40example\.com; Path=\/;/);
    expect(email).toMatch(/SameSite=Lax/);
    expect(email).not.toMatch(/HttpOnly/);
  });

  it("form: ignores an off-site next, and marks the cookie Secure over https", async () => {
    const res = await signinForm({ email: "admin@example.com", password: "admin-password", next: "//evil.example/" }, { "x-forwarded-proto": "https" });
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.getSetCookie().map((c) => /; Secure/.test(c))).toEqual([true, true]);
  });

  it("form: wrong password or missing field → 303 back to /signin with an error, no cookie", async () => {
    const bad = await signinForm({ email: "admin@example.com", password: "nope", next: "/metrics" });
    expect(bad.status).toBe(303);
    expect(bad.headers.get("location")).toBe("/signin?error=invalid_credentials&next=%2Fmetrics");
    expect(bad.headers.get("set-cookie")).toBeNull();
    const missing = await signinForm({ email: "admin@example.com" });
    expect(missing.headers.get("location")).toBe("/signin?error=missing_password");
  });

  it("form: refuses a cross-site post (login CSRF)", async () => {
    const res = await signinForm({ email: "admin@example.com", password: "admin-password" }, { origin: "https://evil.example", host: "localhost:3000" });
    expect(res.headers.get("location")).toContain("error=cross_site");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("JSON: 200 with the cookie, 401 for wrong credentials, 400 naming a missing field", async () => {
    const post = (body: unknown) =>
      signinPost(new Request(`${BASE}/api/auth/signin`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
    const ok = await post({ email: "admin@example.com", password: "admin-password" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ user: { email: "admin@example.com", role: "admin" } });
    expect(sessionFrom(ok)).toBeTruthy();
    const bad = await post({ email: "admin@example.com", password: "wrong-password" });
    expect(bad.status).toBe(401);
    expect((await bad.json()).error.code).toBe("invalid_credentials");
    const missing = await post({ password: "x" });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatchObject({ field: "email" });
    const wrongType = await signinPost(new Request(`${BASE}/api/auth/signin`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }));
    expect(wrongType.status).toBe(415);
  });
});

describe("POST /api/auth/signout", () => {
  it("deletes the session, clears the cookie and 303s to /signin", async () => {
    const token = sessionFrom(await signinForm({ email: "admin@example.com", password: "admin-password" }))!;
    const res = await signoutPost(new Request(`${BASE}/api/auth/signout`, { method: "POST", headers: { cookie: `hsd_session=${token}` } }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/signin/);
    const cleared = res.headers.getSetCookie();
    expect(cleared[0]).toMatch(/^hsd_session=;.*Max-Age=0/);
    expect(cleared[1]).toMatch(/^hsd_email=;.*Max-Age=0/);
    expect(await resolveSession(token)).toBeNull();
  });
});

describe("CLI", () => {
  let out = "";
  let err = "";
  const capture = () => {
    out = "";
    err = "";
    vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
  };
  afterEach(() => vi.restoreAllMocks());

  it("user create", async () => {
    capture();
    expect(await userCli(["create", "--email", "Viewer@Example.com", "--password", "viewer-password", "--role", "viewer"])).toBe(0);
    expect(out).toContain("viewer@example.com");
    expect((await listUsers()).map((u) => u.email)).toContain("viewer@example.com");
    capture();
    expect(await userCli(["create", "--email", "viewer@example.com", "--password", "viewer-password", "--role", "viewer"])).toBe(1);
    expect(err).toMatch(/already exists/);
    capture();
    expect(await userCli(["create", "--email", "x@example.com", "--password", "short", "--role", "viewer"])).toBe(1);
    expect(err).toMatch(/password: must be at least 8 characters/);
    capture();
    expect(await userCli(["create", "--email", "x@example.com", "--password", "long-enough", "--role", "owner"])).toBe(2);
    expect(await userCli(["create", "--email", "x@example.com", "--bogus"])).toBe(2);
    expect(await userCli([])).toBe(2);
  });

  it("api-key create prints the key alone on the last stdout line; list; revoke", async () => {
    capture();
    expect(await apiKeyCli(["create", "--name", "ci", "--scopes", "ingest,read"])).toBe(0);
    const lines = out.trimEnd().split("\n");
    const key = lines[lines.length - 1];
    expect(key).toMatch(/^hsd_[A-Za-z0-9_-]{43}$/);
    expect(err).toMatch(/not shown again/);
    expect(await findActiveKey(key)).toMatchObject({ name: "ci", scopes: ["ingest", "read"] });
    const { rows } = await pool().query("SELECT key_hash FROM api_keys WHERE name = 'ci'");
    expect(rows[0].key_hash).toBe(sha256Hex(key));

    capture();
    expect(await apiKeyCli(["list"])).toBe(0);
    expect(out).toMatch(/ci\s+hsd_\S+…\s+ingest,read/);
    expect(out).not.toContain(key);

    capture();
    expect(await apiKeyCli(["revoke", "--name", "ci"])).toBe(0);
    expect(await findActiveKey(key)).toBeNull();
    capture();
    expect(await apiKeyCli(["revoke", "--name", "missing"])).toBe(1);
    expect(err).toMatch(/no API key named "missing"/);
    expect(await apiKeyCli(["create", "--name", "x", "--scopes", "admin"])).toBe(2);
    expect(await apiKeyCli(["create", "--scopes", "read"])).toBe(2);
    expect(await apiKeyCli(["frobnicate"])).toBe(2);
  });
});
