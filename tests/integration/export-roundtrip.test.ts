import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { GET as exportRoute } from "../../app/api/v1/events/export/route";
import { createApiKey } from "../../lib/auth/api-keys";
import { pool } from "../../lib/db/pool";
import { generateDemoEvents } from "../../lib/demo/generate";
import { exportEventsCsv, exportEventsNdjson } from "../../lib/export/events";
import { ingestStream } from "../../lib/ingest";
import { computeMetrics } from "../../lib/metrics";
import { closeConnections, freshDatabase } from "./support/db";
import { ingestJson } from "./support/ingest";

afterAll(closeConnections);
const NOW = new Date("2026-08-01T00:00:00Z");

async function collect(gen: AsyncGenerator<string>) {
  let s = "";
  for await (const x of gen) s += x;
  return s;
}

async function snapshot() {
  const m = await computeMetrics({ from: "2026-06-01", to: "2026-08-01", group_by: ["channel", "population"], as_of: NOW });
  const { rows } = await pool().query("SELECT * FROM conversations ORDER BY conversation_id");
  return { metrics: m.segments, conversations: rows.map((r) => ({ ...r, updated_at: null, source: null })) };
}

describe("canonical events export", () => {
  it.each(["canonical", "ndjson"] as const)("%s: export → import into an empty instance → identical metrics and derived rows", async (format) => {
    const awkward = [
      { conversation_id: "=cmd|' /C calc'!A0", type: "conversation_started", at: "2026-07-01T10:00:00+02:00", customer_id: "-42", channel: "chat", topic: "@sum, \"quoted\"\nnewline" },
      { conversation_id: "=cmd|' /C calc'!A0", type: "ai_message", at: "2026-07-01T08:00:01Z", confident: false },
      { conversation_id: "=cmd|' /C calc'!A0", type: "csat_response", at: "2026-07-01T09:00:00Z", score: 2 },
      { conversation_id: "=cmd|' /C calc'!A0", type: "csat_response", at: "2026-07-01T09:00:00Z", score: 5 },
      { conversation_id: "=cmd|' /C calc'!A0", type: "work_logged", at: "2026-07-01T09:00:00Z", actor: "ai", seconds: 0.125 },
    ];
    await freshDatabase();
    await ingestJson([...generateDemoEvents({ conversations: 400, seed: 21, days: 45, now: NOW })]);
    await ingestJson(awkward);
    const before = await snapshot();
    const text = await collect(format === "canonical" ? exportEventsCsv() : exportEventsNdjson());

    await freshDatabase();
    const r = await ingestStream(Readable.from([text]), { format: format === "canonical" ? "canonical" : "ndjson", source: "test" });
    expect(r.rejected).toEqual([]);
    expect(await snapshot()).toEqual(before);
    if (format === "canonical") expect(text).toContain(",'=cmd|' /C calc'!A0,"); // safe to open in a spreadsheet
  });

  it("is served to read keys as a stream", async () => {
    const { key } = await createApiKey({ name: "exporter", scopes: ["read"] });
    const res = await exportRoute(new Request("http://x/api/v1/events/export?format=ndjson", { headers: { authorization: `Bearer ${key}` } }));
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\n");
    const { rows } = await pool().query("SELECT count(*)::int AS n FROM events");
    expect(lines).toHaveLength(rows[0].n);
    expect((await exportRoute(new Request("http://x/api/v1/events/export?format=xml", { headers: { authorization: `Bearer ${key}` } }))).status).toBe(400);
  });
});
