import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../../lib/auth/api-keys";
import { authenticateRequest, requireApi, type Need, type Principal } from "../../lib/auth/principal";
import { createSession } from "../../lib/auth/sessions";
import { sha256Hex } from "../../lib/auth/tokens";
import { createUser } from "../../lib/auth/users";
import { prisma } from "../../lib/db/prisma";
import { closeConnections, freshDatabase } from "./support/db";

const URL_ = "http://localhost:3000/api/v1/metrics";
const bearer = (key: string, extra: Record<string, string> = {}) => new Request(URL_, { headers: { authorization: `Bearer ${key}`, ...extra } });
const cookie = (token: string, init: RequestInit = {}) =>
  new Request(URL_, { ...init, headers: { cookie: `theme=dark; hsd_session=${token}`, ...(init.headers as Record<string, string>) } });

let adminToken: string;
let viewerToken: string;
let expiredToken: string;
let readKey: string;
let ingestKey: string;
let bothKey: string;
let revokedKey: string;

beforeAll(async () => {
  await freshDatabase();
  const admin = await createUser({ email: "admin@example.com", password: "admin-password", role: "admin" });
  const viewer = await createUser({ email: "viewer@example.com", password: "viewer-password", role: "viewer" });
  adminToken = (await createSession(admin.id)).token;
  viewerToken = (await createSession(viewer.id)).token;
  expiredToken = (await createSession(viewer.id)).token;
  await prisma().session.update({ where: { tokenHash: sha256Hex(expiredToken) }, data: { expiresAt: new Date(Date.now() - 1) } });
  readKey = (await createApiKey({ name: "read", scopes: ["read"] })).key;
  ingestKey = (await createApiKey({ name: "ingest", scopes: ["ingest"] })).key;
  bothKey = (await createApiKey({ name: "both", scopes: ["ingest", "read"] })).key;
  revokedKey = (await createApiKey({ name: "revoked", scopes: ["ingest", "read"] })).key;
  await revokeApiKey("revoked");
});
afterAll(closeConnections);

async function expectError(res: Principal | Response, status: number) {
  expect(res).toBeInstanceOf(Response);
  const r = res as Response;
  expect(r.status).toBe(status);
  const body = await r.json();
  expect(body.error.code).toBe(status === 401 ? "unauthorized" : "forbidden");
  expect(typeof body.error.message).toBe("string");
  return body.error.message as string;
}

const needs: Need[] = ["read", "ingest", "admin"];

describe("requireApi", () => {
  it.each(needs)("anonymous → 401 (%s)", async (need) => {
    await expectError(await requireApi(new Request(URL_), need), 401);
  });

  it.each(needs)("wrong key → 401 (%s)", async (need) => {
    const wrong = readKey.slice(0, -3) + (readKey.endsWith("xyz") ? "abc" : "xyz");
    await expectError(await requireApi(bearer(wrong), need), 401);
    await expectError(await requireApi(bearer("not-a-key"), need), 401);
    await expectError(await requireApi(new Request(URL_, { headers: { authorization: `Basic ${btoa("a:b")}` } }), need), 401);
  });

  it.each(needs)("revoked key → 401 (%s)", async (need) => {
    expect(await expectError(await requireApi(bearer(revokedKey), need), 401)).toMatch(/revoked/);
  });

  it.each(needs)("expired session → 401 (%s)", async (need) => {
    expect(await expectError(await requireApi(cookie(expiredToken), need), 401)).toMatch(/expired/);
  });

  it("an invalid bearer key is 401 even with a valid admin cookie", async () => {
    await expectError(await requireApi(bearer(revokedKey, { cookie: `hsd_session=${adminToken}` }), "read"), 401);
  });

  it("viewer: reads, but 403 on ingest and admin", async () => {
    expect(await requireApi(cookie(viewerToken), "read")).toMatchObject({ kind: "user", email: "viewer@example.com", role: "viewer" });
    await expectError(await requireApi(cookie(viewerToken), "ingest"), 403);
    await expectError(await requireApi(cookie(viewerToken), "admin"), 403);
  });

  it("admin user: ok on all", async () => {
    for (const need of needs) {
      expect(await requireApi(cookie(adminToken), need)).toMatchObject({ kind: "user", email: "admin@example.com", role: "admin" });
    }
  });

  it("ingest-only key: 403 on read and admin, ok on ingest", async () => {
    expect(await expectError(await requireApi(bearer(ingestKey), "read"), 403)).toMatch(/read/);
    await expectError(await requireApi(bearer(ingestKey), "admin"), 403);
    expect(await requireApi(bearer(ingestKey), "ingest")).toMatchObject({ kind: "key", name: "ingest", scopes: ["ingest"] });
  });

  it("read key: returns the principal on read, 403 on ingest and admin", async () => {
    const p = await requireApi(bearer(readKey), "read");
    expect(p).not.toBeInstanceOf(Response);
    expect(p).toMatchObject({ kind: "key", name: "read", scopes: ["read"] });
    expect(typeof (p as Extract<Principal, { kind: "key" }>).keyId).toBe("bigint");
    expect(await expectError(await requireApi(bearer(readKey), "ingest"), 403)).toMatch(/ingest/);
    await expectError(await requireApi(bearer(readKey), "admin"), 403);
  });

  it("a key with both scopes does both but never admin", async () => {
    expect(await requireApi(bearer(bothKey), "read")).toMatchObject({ kind: "key" });
    expect(await requireApi(bearer(bothKey), "ingest")).toMatchObject({ kind: "key" });
    await expectError(await requireApi(bearer(bothKey), "admin"), 403);
  });

  it("refuses a cookie-authenticated cross-site POST", async () => {
    const req = cookie(adminToken, { method: "POST", headers: { origin: "https://evil.example", host: "localhost:3000" } });
    await expectError(await requireApi(req, "ingest"), 403);
    const same = cookie(adminToken, { method: "POST", headers: { origin: "http://localhost:3000", host: "localhost:3000" } });
    expect(await requireApi(same, "ingest")).toMatchObject({ kind: "user" });
  });
});

describe("authenticateRequest", () => {
  it("reads the bearer key or the cookie", async () => {
    expect(await authenticateRequest(new Request(URL_))).toBeNull();
    expect(await authenticateRequest(bearer(readKey))).toMatchObject({ kind: "key", name: "read" });
    expect(await authenticateRequest(cookie(viewerToken))).toMatchObject({ kind: "user", role: "viewer" });
    expect(await authenticateRequest(bearer("hsd_bad", { cookie: `hsd_session=${adminToken}` }))).toBeNull();
  });
});
