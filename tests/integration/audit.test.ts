import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as auditGet } from "../../app/api/v1/audit/route";
import { listAudit, recordAudit, sanitizeDetails } from "../../lib/audit";
import { createApiKey, revokeApiKey } from "../../lib/auth/api-keys";
import { createSession } from "../../lib/auth/sessions";
import { createUser } from "../../lib/auth/users";
import { prisma } from "../../lib/db/prisma";
import { closeConnections, freshDatabase } from "./support/db";

const URL_ = "http://localhost:3000/api/v1/audit";
let admin: string;
let viewer: string;
const keys: Record<string, string> = {};

beforeAll(async () => {
  await freshDatabase();
  const a = await createUser({ email: "admin@example.com", password: "admin-password", role: "admin" }, { actor: "system" });
  const v = await createUser({ email: "viewer@example.com", password: "viewer-password", role: "viewer" }, { actor: "user:admin@example.com" });
  admin = (await createSession(a.id)).token;
  viewer = (await createSession(v.id)).token;
  keys.read = (await createApiKey({ name: "read", scopes: ["read"], createdBy: "cli" })).key;
  keys.ingest = (await createApiKey({ name: "ingest", scopes: ["ingest"], createdBy: "cli" })).key;
  keys.both = (await createApiKey({ name: "both", scopes: ["ingest", "read"], createdBy: "cli" })).key;
  keys.revoked = (await createApiKey({ name: "revoked", scopes: ["read"], createdBy: "cli" })).key;
  await revokeApiKey("revoked");
  for (let i = 0; i < 120; i++) await recordAudit({ actor: "key:ci", action: "upload", target: `file-${i}.csv`, details: { accepted: i } });
});
afterAll(closeConnections);

const get = (query = "", headers: Record<string, string> = {}) => auditGet(new Request(`${URL_}${query}`, { headers }));
const asAdmin = (query = "") => get(query, { cookie: `hsd_session=${admin}` });

describe("recordAudit / listAudit", () => {
  it("stores JSON-safe details and redacts secret-looking keys", async () => {
    expect(sanitizeDetails({ n: 1n, at: new Date(0), password: "x", api_key: "hsd_x", nested: { token: "t", ok: true } })).toEqual({
      n: "1",
      at: "1970-01-01T00:00:00.000Z",
      password: "[redacted]",
      api_key: "[redacted]",
      nested: { token: "[redacted]", ok: true },
    });
  });

  it("lists newest first and pages with before", async () => {
    const first = await listAudit({ limit: 50 });
    expect(first.entries).toHaveLength(50);
    expect(first.entries[0].target).toBe("file-119.csv");
    const ids = first.entries.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);
    const second = await listAudit({ limit: 50, before: BigInt(first.nextBefore!) });
    expect(second.entries[0].target).toBe("file-69.csv");
    const total = await prisma().auditEntry.count();
    const last = await listAudit({ limit: 500 });
    expect(last.entries).toHaveLength(total);
    expect(last.nextBefore).toBeNull();
  });
});

describe("GET /api/v1/audit", () => {
  it("admin session: 200, newest first, limit and before", async () => {
    const res = await asAdmin("?limit=3");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.entries).toHaveLength(3);
    expect(body.entries[0]).toMatchObject({ actor: "key:ci", action: "upload", target: "file-119.csv", details: { accepted: 119 } });
    expect(typeof body.next_before).toBe("string");
    const next = await (await asAdmin(`?limit=2&before=${body.next_before}`)).json();
    expect(next.entries.map((e: { target: string }) => e.target)).toEqual(["file-116.csv", "file-115.csv"]);
    expect((await (await asAdmin()).json()).entries).toHaveLength(100);
    expect((await (await asAdmin("?limit=500")).json()).entries.length).toBeGreaterThan(120);
  });

  it("400 naming the parameter", async () => {
    for (const [q, parameter] of [
      ["?limit=0", "limit"],
      ["?limit=501", "limit"],
      ["?limit=abc", "limit"],
      ["?limit=", "limit"],
      ["?before=x", "before"],
      ["?before=-1", "before"],
      ["?limit=1&limit=2", "limit"],
      ["?sort=asc", "sort"],
    ] as const) {
      const res = await asAdmin(q);
      expect(res.status, q).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe("bad_request");
      expect(body.error.parameter).toBe(parameter);
      expect(body.error.message.startsWith(`${parameter}: `)).toBe(true);
    }
  });

  it("viewers and every API key get 403, anonymous and revoked keys 401; bodies are only the error envelope", async () => {
    const cases: [Record<string, string>, number][] = [
      [{}, 401],
      [{ cookie: "hsd_session=garbage" }, 401],
      [{ cookie: `hsd_session=${viewer}` }, 403],
      [{ authorization: `Bearer ${keys.read}` }, 403],
      [{ authorization: `Bearer ${keys.ingest}` }, 403],
      [{ authorization: `Bearer ${keys.both}` }, 403],
      [{ authorization: `Bearer ${keys.revoked}` }, 401],
      [{ authorization: `Bearer ${keys.read}`, cookie: `hsd_session=${admin}` }, 403], // judged on the key alone
    ];
    for (const [headers, status] of cases) {
      const res = await get("?limit=5", headers);
      expect(res.status, JSON.stringify(headers)).toBe(status);
      const body = await res.json();
      expect(Object.keys(body)).toEqual(["error"]);
      expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
      // even a bad parameter does not get past authorisation
      expect((await get("?limit=abc", headers)).status).toBe(status);
    }
  });
});
