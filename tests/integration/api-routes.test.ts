import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postEvents } from "../../app/api/v1/events/route";
import { GET as getMetrics } from "../../app/api/v1/metrics/route";
import { GET as getHealth } from "../../app/api/health/route";
import { createApiKey, revokeApiKey } from "../../lib/auth/api-keys";
import { createSession, SESSION_COOKIE } from "../../lib/auth/sessions";
import { createUser } from "../../lib/auth/users";
import { closeConnections, freshDatabase } from "./support/db";
import { countRows } from "./support/ingest";

const BASE = "http://localhost:3000";
let readKey: string, ingestKey: string, bothKey: string, revokedKey: string, viewerCookie: string, adminCookie: string;

beforeAll(async () => {
  await freshDatabase();
  readKey = (await createApiKey({ name: "reader", scopes: ["read"] })).key;
  ingestKey = (await createApiKey({ name: "ingester", scopes: ["ingest"] })).key;
  bothKey = (await createApiKey({ name: "both", scopes: ["ingest", "read"] })).key;
  revokedKey = (await createApiKey({ name: "old", scopes: ["ingest", "read"] })).key;
  await revokeApiKey("old");
  const viewer = await createUser({ email: "viewer@example.com", password: "viewer-password", role: "viewer" });
  const admin = await createUser({ email: "admin@example.com", password: "admin-password", role: "admin" });
  viewerCookie = `${SESSION_COOKIE}=${(await createSession(viewer.id)).token}`;
  adminCookie = `${SESSION_COOKIE}=${(await createSession(admin.id)).token}`;
});
afterAll(closeConnections);

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const metrics = (query: string, headers: Record<string, string> = bearer(readKey)) =>
  getMetrics(new Request(`${BASE}/api/v1/metrics${query}`, { headers }));
const events = (body: BodyInit, contentType: string, headers: Record<string, string> = bearer(ingestKey), query = "") =>
  postEvents(new Request(`${BASE}/api/v1/events${query}`, { method: "POST", body, headers: { "content-type": contentType, ...headers } }));

const started = { event_id: "s1", conversation_id: "c1", type: "conversation_started", at: "2026-03-01T10:00:00Z", customer_id: "u1", channel: "chat" };

describe("authentication and authorisation (api.md)", () => {
  it("anonymous → 401 on metrics and events, with the error envelope", async () => {
    const r = await metrics("", {});
    expect(r.status).toBe(401);
    expect((await r.json()).error.code).toBe("unauthorized");
    expect((await events("[]", "application/json", {})).status).toBe(401);
  });

  it("a read key reads metrics (200) but cannot ingest (403); an ingest key the reverse", async () => {
    expect((await metrics("")).status).toBe(200);
    expect((await events("[]", "application/json", bearer(readKey))).status).toBe(403);
    expect((await metrics("", bearer(ingestKey))).status).toBe(403);
    expect((await events("[]", "application/json", bearer(ingestKey))).status).toBe(200);
  });

  it("a revoked or unknown key → 401", async () => {
    expect((await metrics("", bearer(revokedKey))).status).toBe(401);
    expect((await metrics("", bearer("hsd_not-a-key"))).status).toBe(401);
  });

  it("signed-in users read; a viewer cannot ingest, an admin can", async () => {
    expect((await metrics("", { cookie: viewerCookie })).status).toBe(200);
    expect((await events("[]", "application/json", { cookie: viewerCookie, origin: BASE })).status).toBe(403);
    expect((await events("[]", "application/json", { cookie: adminCookie, origin: BASE })).status).toBe(200);
  });

  it("health needs no auth", async () => {
    const r = await getHealth();
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ok", database: "ok" });
  });
});

describe("POST /api/v1/events", () => {
  it("takes JSON, NDJSON and CSV and reports duplicates on replay", async () => {
    expect(await (await events(JSON.stringify([started]), "application/json")).json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const nd = JSON.stringify({ ...started, event_id: "s2", conversation_id: "c2" }) + "\n" + JSON.stringify(started) + "\n";
    expect(await (await events(nd, "application/x-ndjson; charset=utf-8")).json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    const csv = "event_id,conversation_id,type,at\nm1,c1,customer_message,2026-03-01T10:00:01Z\nm2,c1,customer_message,2026-03-01T10:00:02\n";
    expect(await (await events(csv, "text/csv")).json()).toEqual({
      accepted: 1, duplicates: 0, rejected: [{ line: 3, field: "at", reason: "timestamp has no UTC offset" }],
    });
  });

  it("415 for another content type, 400 for an unparseable body, 400 for a bad atomic value", async () => {
    const r = await events("hello", "text/plain");
    expect(r.status).toBe(415);
    expect((await r.json()).error.message).toMatch(/text\/plain/);
    expect((await events("{not json", "application/json")).status).toBe(400);
    expect((await events("[]", "application/json", bearer(ingestKey), "?atomic=maybe")).status).toBe(400);
  });

  it("atomic=true with a rejection → 400 listing it, nothing stored", async () => {
    const before = await countRows("events");
    const body = JSON.stringify([{ ...started, event_id: "x1", conversation_id: "cx" }, { conversation_id: "cx", type: "resolved", at: "soon" }]);
    const r = await events(body, "application/json", bearer(ingestKey), "?atomic=true");
    expect(r.status).toBe(400);
    expect((await r.json()).error.rejected).toEqual([{ index: 1, field: "at", reason: 'not an ISO-8601 timestamp: "soon"' }]);
    expect(await countRows("events")).toBe(before);
  });

  it("413 over MAX_UPLOAD_BYTES, by Content-Length or while streaming, storing nothing", async () => {
    process.env.MAX_UPLOAD_BYTES = "200";
    try {
      const before = await countRows("events");
      const big = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ ...started, event_id: `big${i}` })));
      const declared = await postEvents(new Request(`${BASE}/api/v1/events`, {
        method: "POST", body: big, headers: { "content-type": "application/json", "content-length": String(big.length), ...bearer(ingestKey) } }));
      expect(declared.status).toBe(413);
      const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } });
      const streamed = await postEvents(new Request(`${BASE}/api/v1/events`, {
        method: "POST", body: stream, duplex: "half", headers: { "content-type": "application/json", ...bearer(ingestKey) } } as RequestInit));
      expect(streamed.status).toBe(413);
      expect(await countRows("events")).toBe(before);
    } finally {
      delete process.env.MAX_UPLOAD_BYTES;
    }
  });
});

describe("GET /api/v1/metrics parameters", () => {
  it.each([
    ["?channel=fax", "channel"],
    ["?population=robots", "population"],
    ["?from=2026-03-10&to=2026-03-01", "from"],
    ["?from=2026-02-30", "from"],
    ["?to=yesterday", "to"],
    ["?group_by=topic", "group_by"],
    ["?as_of=2026-03-01T10:00:00", "as_of"],
    ["?recontact_hours=0", "recontact_hours"],
    ["?verification_hours=abc", "verification_hours"],
    ["?colour=blue", "colour"],
  ])("%s → 400 naming %s", async (query, parameter) => {
    const r = await metrics(query);
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.error.parameter).toBe(parameter);
    expect(body.error.message).toContain(parameter);
  });

  it("returns every metric key in every segment, with value null where the denominator is 0", async () => {
    const body = await (await metrics("?from=2026-03-01&to=2026-03-01&group_by=channel,population")).json();
    expect(body.range).toEqual({ from: "2026-03-01", to: "2026-03-01" });
    const keys = Object.keys(body.segments[0].metrics).sort();
    expect(keys).toContain("deflection_rate");
    for (const s of body.segments) expect(Object.keys(s.metrics).sort()).toEqual(keys);
    const total = body.segments.find((s: { channel: string; population: string }) => s.channel === "all" && s.population === "all");
    expect(total.metrics.inbound.value).toBe(2);
    expect(total.metrics.csat).toEqual({ numerator: 0, denominator: 0, value: null, ci95: null });
  });
});

describe("413 for every body format", () => {
  it.each([
    ["application/x-ndjson", (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ ...started, event_id: `nd${i}` })).join("\n")],
    ["text/csv", (n: number) => "event_id,conversation_id,type,at\n" + Array.from({ length: n }, (_, i) => `cs${i},c9,customer_message,2026-03-01T10:00:00Z`).join("\n")],
  ])("%s streamed past the limit → 413, nothing stored", async (type, make) => {
    process.env.MAX_UPLOAD_BYTES = "300";
    try {
      const before = await countRows("events");
      const body = make(20);
      const stream = new ReadableStream({ start(c) { for (let i = 0; i < body.length; i += 100) c.enqueue(new TextEncoder().encode(body.slice(i, i + 100))); c.close(); } });
      const r = await postEvents(new Request(`${BASE}/api/v1/events`, {
        method: "POST", body: stream, duplex: "half", headers: { "content-type": type, ...bearer(ingestKey) } } as RequestInit));
      expect(r.status).toBe(413);
      expect(await countRows("events")).toBe(before);
    } finally {
      delete process.env.MAX_UPLOAD_BYTES;
    }
  });
});

describe("parameter errors found while resolving defaults", () => {
  it("from after to is a 400 naming from on every read route, CSV included", async () => {
    const { GET: getTimeseries } = await import("../../app/api/v1/metrics/timeseries/route");
    const { GET: getCsv } = await import("../../app/api/v1/conversations.csv/route");
    const q = "from=2026-03-10&to=2026-03-01";
    for (const [route, url] of [
      [getMetrics, `/api/v1/metrics?${q}`],
      [getTimeseries, `/api/v1/metrics/timeseries?metric=csat&${q}`],
      [getCsv, `/api/v1/conversations.csv?${q}`],
    ] as const) {
      const r = await route(new Request(`${BASE}${url}`, { headers: bearer(readKey) }));
      expect([url, r.status]).toEqual([url, 400]);
      expect((await r.json()).error.parameter).toBe("from");
    }
  });
});
