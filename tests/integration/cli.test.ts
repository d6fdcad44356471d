import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/pool";
import { computeMetrics } from "../../lib/metrics";
import { closeConnections, freshDatabase } from "./support/db";

const run = promisify(execFile);
let url: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hsd-cli-"));

/** The CLI as a user runs it: a separate process, the database from DATABASE_URL. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "cli/index.ts", ...args], {
      env: { ...process.env, DATABASE_URL: url }, maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  url = await freshDatabase();
});
afterAll(async () => {
  await closeConnections();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const MESSY = [
  "\uFEFFconversation_id,type,at,customer_id,channel,topic,score,event_id",
  "c1,conversation_started,2026-03-01T10:00:00Z,u1,chat,billing,,",
  "c1,ai_message,2026-03-01T10:00:02Z,,,,,",
  'c1,resolved,2026-03-01T10:03:00+00:00,,,"note, with comma",,',
  "c2,conversation_started,2026-03-01 11:00:00,u2,email,,,",          // line 5: no offset
  "c2,conversation_started,2026-03-01T11:00:00Z,u2,fax,,,",           // line 6: unknown channel
  "c3,csat_response,2026-03-01T11:00:00Z,,,,7,",                      // line 7: score out of range
  ",abandoned,2026-03-01T11:00:00Z,,,,,",                             // line 8: no conversation_id
  "c4,conversation_started,2026-03-01T12:00:00Z,u1,voice,,,s4",
  "c4,human_message,2026-03-01T12:01:00Z,,,,,",
].join("\r\n");

describe("npm run cli -- ingest", () => {
  it("--json prints exactly the API response: planted bad rows with their line and field; a second run accepts 0", async () => {
    const file = path.join(tmp, "messy.csv");
    fs.writeFileSync(file, MESSY);
    const first = await cli("ingest", file, "--json");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      accepted: 5,
      duplicates: 0,
      rejected: [
        { line: 5, field: "at", reason: "timestamp has no UTC offset" },
        { line: 6, field: "channel", reason: "must be one of chat, email, voice, whatsapp, sms, social, in_app" },
        { line: 7, field: "score", reason: "must be a whole number from 1 to 5" },
        { line: 8, field: "conversation_id", reason: "required" },
      ],
    });
    const second = await cli("ingest", file, "--json");
    expect(JSON.parse(second.stdout)).toMatchObject({ accepted: 0, duplicates: 5 });
  });

  it("exit 1 when the file cannot be read or parsed at all; --atomic stores nothing", async () => {
    expect((await cli("ingest", path.join(tmp, "missing.csv"))).code).toBe(1);
    const bad = path.join(tmp, "bad.json");
    fs.writeFileSync(bad, '{"not": "an array"}');
    const r = await cli("ingest", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a valid JSON array/);
    const atomicFile = path.join(tmp, "atomic.ndjson");
    fs.writeFileSync(atomicFile, '{"conversation_id":"z1","type":"abandoned","at":"2026-03-02T10:00:00Z"}\n{"conversation_id":"z1","type":"abandoned"}\n');
    const atomic = await cli("ingest", atomicFile, "--atomic", "--json");
    expect(atomic.code).toBe(1);
    expect(JSON.parse(atomic.stdout).rejected).toEqual([{ line: 2, field: "at", reason: "required" }]);
    expect((await computeMetrics({ from: "2026-03-02", to: "2026-03-02" })).segments[0].metrics.inbound.value).toBe(0);
    expect((await cli("ingest", atomicFile, "--format", "xml")).code).toBe(2);
  });

  it("metrics prints the same JSON as the library (and the API) for the same parameters", async () => {
    const r = await cli("metrics", "--from", "2026-03-01", "--to", "2026-03-01", "--group-by", "channel,population", "--as-of", "2026-03-10T00:00:00Z");
    expect(r.code).toBe(0);
    const lib = await computeMetrics({ from: "2026-03-01", to: "2026-03-01", group_by: ["channel", "population"], as_of: new Date("2026-03-10T00:00:00Z") });
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(lib)));
    const bad = await cli("metrics", "--channel", "fax");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--channel/);
  });

  it("export-conversations prints the derived table as CSV, the same rows as the API's", async () => {
    const r = await cli("export-conversations", "--from", "2026-03-01", "--to", "2026-03-01", "--channel", "chat");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\r\n");
    expect(lines[0].startsWith("conversation_id,started_at,ended_at,customer_id,channel,population")).toBe(true);
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(["c1"]);
    expect((await cli("export-conversations", "--from", "2026-03-02", "--to", "2026-03-01")).code).toBe(2);
  });

  it("demo-data with the same seed and --now gives the same data (all duplicates the second time)", async () => {
    const a = await cli("demo-data", "--conversations", "50", "--seed", "9", "--days", "10", "--now", "2026-04-01T00:00:00Z");
    expect(a.code).toBe(0);
    const b = await cli("demo-data", "--conversations", "50", "--seed", "9", "--days", "10", "--now", "2026-04-01T00:00:00Z");
    expect(b.stdout).toMatch(/accepted 0, duplicates [1-9]\d*/);
  });

  it("verify exits 0 when everything matches, and 1 naming a stored latest event the conversations do not have", async () => {
    const ok = await cli("verify");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/everything matches/);
    await pool().query("UPDATE data_version SET latest_event_at = latest_event_at - interval '1 hour'");
    try {
      const bad = await cli("verify");
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/stored latest event \(as_of's default\) \S+Z, the conversations' \S+Z\n1 problem\(s\) found/);
    } finally {
      await pool().query("UPDATE data_version SET latest_event_at = latest_event_at + interval '1 hour'");
    }
  });
});
