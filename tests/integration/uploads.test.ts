import fs from "node:fs";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as upload } from "../../app/api/v1/uploads/route";
import { POST as preview } from "../../app/api/v1/uploads/preview/route";
import { createApiKey } from "../../lib/auth/api-keys";
import { createSession, SESSION_COOKIE } from "../../lib/auth/sessions";
import { createUser } from "../../lib/auth/users";
import { prisma } from "../../lib/db/prisma";
import { closeConnections, freshDatabase } from "./support/db";
import { countRows } from "./support/ingest";

const BASE = "http://localhost:3000";
let admin: Record<string, string>, viewer: Record<string, string>, ingestKey: string;

beforeAll(async () => {
  await freshDatabase();
  const a = await createUser({ email: "admin@example.com", password: "admin-password", role: "admin" });
  const v = await createUser({ email: "viewer@example.com", password: "viewer-password", role: "viewer" });
  admin = { cookie: `${SESSION_COOKIE}=${(await createSession(a.id)).token}`, origin: BASE };
  viewer = { cookie: `${SESSION_COOKIE}=${(await createSession(v.id)).token}`, origin: BASE };
  ingestKey = (await createApiKey({ name: "ing", scopes: ["ingest"] })).key;
});
afterAll(closeConnections);

async function lines(res: Response) {
  return (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
}
const post = (route: typeof upload, query: string, body: BodyInit, headers = admin) =>
  route(new Request(`${BASE}/api/v1/uploads${route === preview ? "/preview" : ""}?${query}`, { method: "POST", body, headers }));

const CSV = [
  "conversation_id,type,at,customer_id,channel",
  "u1,conversation_started,2026-03-01T10:00:00Z,c1,chat",
  "u1,ai_message,2026-03-01T10:00:03Z,,",
  "u1,resolved,2026-03-01 10:05:00,,",
  "u2,conversation_started,2026-03-01T11:00:00Z,c2,pigeon",
].join("\n");

describe("POST /api/v1/uploads", () => {
  it("streams progress and the result: accepted, duplicates and every rejected row with line and field", async () => {
    const res = await post(upload, "format=auto&file_name=day1.csv", CSV);
    expect(res.status).toBe(200);
    const msgs = await lines(res);
    expect(msgs[0]).toMatchObject({ type: "started", format: "canonical" });
    const result = msgs.at(-1);
    expect(result).toMatchObject({ type: "result", accepted: 2, duplicates: 0 });
    expect(result.rejected).toEqual([
      { line: 4, field: "at", reason: "timestamp has no UTC offset" },
      { line: 5, field: "channel", reason: "must be one of chat, email, voice, whatsapp, sms, social, in_app" },
    ]);
    const again = (await lines(await post(upload, "file_name=day1.csv.gz", gzipSync(CSV)))).at(-1);
    expect(again).toMatchObject({ type: "result", accepted: 0, duplicates: 2 });
    const history = await prisma().import.findMany({ where: { source: "upload" }, orderBy: { id: "asc" } });
    expect(history.map((h) => [h.fileName, h.createdBy, h.accepted, h.rejectedCount])).toEqual([
      ["day1.csv", "user:admin@example.com", 2, 2],
      ["day1.csv.gz", "user:admin@example.com", 0, 2],
    ]);
    const audit = await prisma().auditEntry.findMany({ where: { action: "upload" } });
    expect(audit).toHaveLength(2);
  });

  it("uses and saves the preset mapping; a bad mapping names its field; overlapping exports never double-count", async () => {
    const yesterday = fs.readFileSync("tests/fixtures/presets/zendesk-yesterday.csv");
    const today = fs.readFileSync("tests/fixtures/presets/zendesk-today.csv");
    const bad = (await lines(await post(upload, `format=zendesk&mapping=${encodeURIComponent('{"timezone": 5}')}`, yesterday))).at(-1);
    expect(bad).toMatchObject({ type: "error", status: 400 });
    expect(bad.message).toMatch(/mapping\.timezone/);
    const mapping = encodeURIComponent(JSON.stringify({ timezone: "Europe/Berlin" }));
    const first = (await lines(await post(upload, `format=auto&file_name=y.csv&mapping=${mapping}`, yesterday))).at(-1);
    expect(first.type).toBe("result");
    expect(first.format).toBe("zendesk");
    expect((await prisma().setting.findUnique({ where: { key: "mapping:zendesk" } }))?.value).toEqual({ timezone: "Europe/Berlin" });
    const eventsAfterFirst = await countRows("events");
    const second = (await lines(await post(upload, "file_name=t.csv", today))).at(-1);
    expect(second.duplicates).toBeGreaterThan(0);
    expect(await countRows("events")).toBe(eventsAfterFirst + second.accepted);
  });

  it("413 over the limit before reading the body; 403 for viewers and API keys; 400 naming a bad parameter", async () => {
    process.env.MAX_UPLOAD_BYTES = "10";
    try {
      const r = await upload(new Request(`${BASE}/api/v1/uploads`, { method: "POST", body: CSV, headers: { ...admin, "content-length": String(CSV.length) } }));
      expect(r.status).toBe(413);
      expect((await r.json()).error.message).toMatch(/limit/);
    } finally {
      delete process.env.MAX_UPLOAD_BYTES;
    }
    expect((await post(upload, "", CSV, viewer)).status).toBe(403);
    expect((await post(upload, "", CSV, { authorization: `Bearer ${ingestKey}` })).status).toBe(403);
    const bad = await post(upload, "format=xml", CSV);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.parameter).toBe("format");
    const unknown = (await lines(await post(upload, "file_name=x.bin", "\u0000\u0001garbage"))).at(-1);
    expect(unknown).toMatchObject({ type: "error", status: 400 });
  });
});

describe("POST /api/v1/uploads/preview", () => {
  it("detects the format, shows the first rows as events and warns about naive timestamps, storing nothing", async () => {
    const before = await countRows("events");
    const res = await post(preview, "whole=true", CSV);
    const p = await res.json();
    expect(p.detected).toBe("canonical");
    expect(p.rows).toHaveLength(4);
    expect(p.rows[2]).toEqual({ pos: { line: 4 }, rejection: { field: "at", reason: "timestamp has no UTC offset" } });
    expect(p.warnings.join(" ")).toMatch(/without a UTC offset/);
    const z = await (await post(preview, "", fs.readFileSync("tests/fixtures/presets/zendesk-today.csv"))).json();
    expect(z.format).toBe("zendesk");
    expect(z.cannotKnow.length).toBeGreaterThan(0);
    expect(await countRows("events")).toBe(before);
  });
});
