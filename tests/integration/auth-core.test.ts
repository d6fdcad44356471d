import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, findActiveKey, listApiKeys, revokeApiKey } from "../../lib/auth/api-keys";
import { AuthError } from "../../lib/auth/errors";
import { createSession, destroySession, resolveSession } from "../../lib/auth/sessions";
import { sha256Hex } from "../../lib/auth/tokens";
import { countUsers, createUser, deleteUser, listUsers, setRole, verifyCredentials } from "../../lib/auth/users";
import { pool } from "../../lib/db/pool";
import { prisma } from "../../lib/db/prisma";
import { closeConnections, freshDatabase } from "./support/db";

beforeAll(async () => {
  await freshDatabase();
});
afterAll(closeConnections);

async function rejects(p: Promise<unknown>, code: string, field?: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AuthError);
  expect((e as AuthError).code).toBe(code);
  if (field) expect((e as AuthError).field).toBe(field);
  return e as AuthError;
}

describe("users", () => {
  it("creates users with a normalised email and a hashed password", async () => {
    const u = await createUser({ email: "  Alice@Example.COM ", password: "s3cret-pass", role: "admin" });
    expect(u.email).toBe("alice@example.com");
    expect(u.role).toBe("admin");
    const { rows } = await pool().query("SELECT email, password_hash FROM users WHERE id = $1", [u.id.toString()]);
    expect(rows[0].password_hash).toMatch(/^\$scrypt\$/);
    expect(rows[0].password_hash).not.toContain("s3cret-pass");
    expect(await countUsers()).toBe(1);
  });

  it("validates input with clear, field-naming errors", async () => {
    await rejects(createUser({ email: "not-an-email", password: "longenough", role: "viewer" }), "invalid_input", "email");
    const short = await rejects(createUser({ email: "b@example.com", password: "short", role: "viewer" }), "invalid_input", "password");
    expect(short.message).toMatch(/8/);
    await rejects(createUser({ email: "b@example.com", password: "longenough", role: "owner" as "admin" }), "invalid_input", "role");
    await rejects(createUser({ email: "ALICE@example.com", password: "longenough", role: "viewer" }), "conflict", "email");
  });

  it("verifies credentials case-insensitively on the email only", async () => {
    expect((await verifyCredentials("alice@EXAMPLE.com", "s3cret-pass"))?.email).toBe("alice@example.com");
    expect(await verifyCredentials("alice@example.com", "S3cret-pass")).toBeNull();
    expect(await verifyCredentials("nobody@example.com", "s3cret-pass")).toBeNull();
  });

  it("never removes or demotes the last admin", async () => {
    const alice = (await listUsers()).find((u) => u.email === "alice@example.com")!;
    await rejects(deleteUser(alice.id), "last_admin");
    await rejects(setRole(alice.id, "viewer"), "last_admin");
    const bob = await createUser({ email: "bob@example.com", password: "bob-password", role: "viewer" });
    await setRole(bob.id, "admin");
    await setRole(alice.id, "viewer"); // bob is admin now
    await rejects(deleteUser(bob.id), "last_admin");
    await setRole(alice.id, "admin");
    await deleteUser(bob.id);
    expect((await listUsers()).map((u) => u.email)).toEqual(["alice@example.com"]);
    await rejects(deleteUser(999999n), "not_found");
  });

  it("two concurrent demotions cannot both succeed", async () => {
    const c = await createUser({ email: "carol@example.com", password: "carol-password", role: "admin" });
    const alice = (await listUsers()).find((u) => u.email === "alice@example.com")!;
    const results = await Promise.allSettled([setRole(alice.id, "viewer"), setRole(c.id, "viewer")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await listUsers()).filter((u) => u.role === "admin")).toHaveLength(1);
    // restore: alice admin, carol gone
    const admins = (await listUsers()).filter((u) => u.role === "admin");
    if (admins[0].id !== alice.id) await setRole(alice.id, "admin");
    await deleteUser(c.id);
  });
});

describe("sessions", () => {
  it("stores only sha256(token), resolves, and destroys", async () => {
    const alice = (await listUsers())[0];
    const { token, expiresAt } = await createSession(alice.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const days = (expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);
    const { rows } = await pool().query("SELECT token_hash FROM sessions");
    expect(rows.map((r) => r.token_hash)).toContain(sha256Hex(token));
    expect(JSON.stringify(rows)).not.toContain(token);

    const s = await resolveSession(token);
    expect(s).toMatchObject({ userId: alice.id, email: "alice@example.com", role: "admin" });
    expect(await resolveSession(token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBeNull();
    await destroySession(token);
    expect(await resolveSession(token)).toBeNull();
  });

  it("expire: an expired session resolves to null and is deleted", async () => {
    const alice = (await listUsers())[0];
    const { token } = await createSession(alice.id);
    await prisma().session.update({ where: { tokenHash: sha256Hex(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await resolveSession(token)).toBeNull();
    expect(await prisma().session.count({ where: { tokenHash: sha256Hex(token) } })).toBe(0);
  });

  it("honours SESSION_DAYS", async () => {
    process.env.SESSION_DAYS = "1";
    try {
      const { expiresAt } = await createSession((await listUsers())[0].id);
      expect((expiresAt.getTime() - Date.now()) / 86_400_000).toBeLessThanOrEqual(1);
    } finally {
      delete process.env.SESSION_DAYS;
    }
  });
});

describe("API keys", () => {
  it("returns the key once and stores only its sha256 and a short prefix", async () => {
    const { key, info } = await createApiKey({ name: "ci-uploader", scopes: ["ingest"], createdBy: "alice@example.com" });
    expect(key).toMatch(/^hsd_[A-Za-z0-9_-]{43}$/);
    expect(info.prefix).toBe(key.slice(0, 12));
    const { rows } = await pool().query("SELECT * FROM api_keys WHERE name = 'ci-uploader'");
    expect(rows).toHaveLength(1);
    expect(rows[0].key_hash).toBe(sha256Hex(key));
    expect(JSON.stringify(rows[0])).not.toContain(key.slice(12));
    expect(rows[0].scopes).toEqual(["ingest"]);
  });

  it("finds an active key, rejects wrong and revoked ones", async () => {
    const { key } = await createApiKey({ name: "reader", scopes: ["read", "read"] });
    const found = await findActiveKey(key);
    expect(found).toMatchObject({ name: "reader", scopes: ["read"] });
    const wrong = key.slice(0, -2) + (key.endsWith("AA") ? "BB" : "AA");
    expect(await findActiveKey(wrong)).toBeNull();
    expect(await findActiveKey("hsd_nope")).toBeNull();
    expect(await findActiveKey("")).toBeNull();
    await revokeApiKey("reader");
    expect(await findActiveKey(key)).toBeNull();
    expect((await listApiKeys()).find((k) => k.name === "reader")?.revokedAt).toBeInstanceOf(Date);
  });

  it("updates last_used_at at most once a minute", async () => {
    const { key } = await createApiKey({ name: "busy", scopes: ["read"] });
    await findActiveKey(key);
    const first = (await prisma().apiKey.findUnique({ where: { name: "busy" } }))!.lastUsedAt!;
    expect(first).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 20));
    await findActiveKey(key);
    expect((await prisma().apiKey.findUnique({ where: { name: "busy" } }))!.lastUsedAt!.getTime()).toBe(first.getTime());
    await prisma().apiKey.update({ where: { name: "busy" }, data: { lastUsedAt: new Date(Date.now() - 61_000) } });
    await findActiveKey(key);
    expect((await prisma().apiKey.findUnique({ where: { name: "busy" } }))!.lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 5_000);
  });

  it("validates names and scopes, and names are unique", async () => {
    await rejects(createApiKey({ name: "", scopes: ["read"] }), "invalid_input", "name");
    await rejects(createApiKey({ name: "x", scopes: [] }), "invalid_input", "scopes");
    await rejects(createApiKey({ name: "x", scopes: ["admin" as "read"] }), "invalid_input", "scopes");
    await rejects(createApiKey({ name: "busy", scopes: ["read"] }), "conflict", "name");
    await rejects(revokeApiKey("missing"), "not_found");
  });
});
