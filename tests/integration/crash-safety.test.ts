import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoEventsToNdjson } from "../../lib/demo/generate";
import { verifyDerived } from "../../lib/maintenance/verify";
import { computeMetrics } from "../../lib/metrics";
import { closeConnections, freshDatabase } from "./support/db";
import { pool } from "../../lib/db/pool";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hsd-crash-"));
afterAll(async () => {
  await closeConnections();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const NOW = new Date("2026-07-01T00:00:00Z");

/** The CLI ingest as a separate process; killAfterMs sends SIGKILL (no chance to clean up). */
function ingest(file: string, url: string, killAfterMs?: number): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/index.ts", "ingest", file], {
      env: { ...process.env, DATABASE_URL: url }, stdio: "ignore",
    });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

// sums of floats (cost, handle-time means) depend on row order at the last bits: compare at 1e-9
const rounded = (v: unknown): unknown =>
  typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(10))
  : Array.isArray(v) ? v.map(rounded)
  : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]))
  : v;

async function state() {
  const m = await computeMetrics({ from: "2026-04-01", to: "2026-07-01", group_by: ["channel", "population"], as_of: NOW });
  const { rows } = await pool().query("SELECT count(*)::int AS events FROM events");
  return { metrics: rounded(m.segments), events: rows[0].events };
}

describe("crash safety", () => {
  it("SIGKILL at random moments, then the same ingest again, equals one clean ingest", async () => {
    const file = path.join(tmp, "events.ndjson");
    fs.writeFileSync(file, [...demoEventsToNdjson({ conversations: 6000, seed: 5, days: 60, now: NOW })].join(""));

    const clean = await freshDatabase();
    expect((await ingest(file, clean)).code).toBe(0);
    const expected = await state();

    const crashed = await freshDatabase();
    // deterministic "random" kill moments spread over start-up, parsing, COPY and derive
    const kills = [900, 2300, 3700, 5200].map((ms, i) => ms + ((i * 7919) % 400));
    let killed = 0;
    for (const ms of kills) {
      const r = await ingest(file, crashed, ms);
      if (r.signal === "SIGKILL") killed++;
      // after every crash the stored state is consistent: derived rows match their events
      expect(await verifyDerived()).toMatchObject({ mismatched: [], missing: [], stray: [] });
    }
    expect(killed).toBeGreaterThan(0);
    expect((await ingest(file, crashed)).code).toBe(0);
    expect(await state()).toEqual(expected);
  }, 240_000);
});
