/**
 * Crash safety at scale (issue: reliability): SIGKILL the CLI ingest of the N-conversation file
 * at spread-out moments, re-run it to completion, and compare with one clean ingest: `verify`
 * after every kill, identical event counts and metrics at the end.
 *
 *   npx tsx bench/crash.ts [--conversations 115000] [--kills 3]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createSiblingDatabase, dropSiblingDatabase, openBenchDatabase, withClient } from "./lib/cluster";
import { ensureCsv } from "./lib/data";
import { cliIngest } from "./lib/ingest";
import { log } from "./lib/util";

const { values } = parseArgs({ options: { conversations: { type: "string", default: "115000" }, kills: { type: "string", default: "3" } } });
const n = Number(values.conversations);
const kills = Number(values.kills);
const ROOT = path.resolve(import.meta.dirname, "..");

function cli(url: string, args: string[], killAfterMs?: number): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/index.ts", ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: url } });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout });
    });
  });
}

async function snapshot(url: string) {
  const metrics = JSON.parse((await cli(url, ["metrics", "--from", "2026-06-01", "--to", "2026-10-01", "--group-by", "channel,population", "--as-of", "2026-10-01T00:00:00Z"])).stdout);
  const events = await withClient(url, async (c) => (await c.query("SELECT count(*)::int AS n FROM events")).rows[0].n as number);
  // float sums depend on row order in their last bits
  const round = (v: unknown): unknown =>
    typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(10)) : Array.isArray(v) ? v.map(round)
      : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x)])) : v;
  return JSON.stringify({ events, segments: round(metrics.segments) });
}

const db = await openBenchDatabase(n);
try {
  const file = await ensureCsv(`${n}`, n, 1);
  log(`clean ingest of ${file.events} events…`);
  const clean = await cliIngest(db.url, file);
  const expected = await snapshot(db.url);
  const crashed = await createSiblingDatabase(db.url, "crash");
  const lines: string[] = [];
  for (let k = 0; k < kills; k++) {
    // spread over start-up, parsing/COPY, the insert and the derive
    const at = Math.round(clean.ms * ((k + 1) / (kills + 1)) + 1500);
    const r = await cli(crashed, ["ingest", file.path], at);
    const verify = await cli(crashed, ["verify"]);
    const line = `kill ${k + 1} at ${(at / 1000).toFixed(1)} s: ${r.signal ?? `exit ${r.code}`}; verify exit ${verify.code} (${verify.stdout.trim().split("\n").pop()})`;
    log(line);
    lines.push(line);
    if (verify.code !== 0) throw new Error(`inconsistent after a crash: ${verify.stdout}`);
  }
  log("re-running the ingest to completion…");
  const final = await cli(crashed, ["ingest", file.path]);
  const equal = final.code === 0 && (await snapshot(crashed)) === expected;
  const out = [
    `# Crash safety at ${n.toLocaleString("en-US")} conversations (${file.events.toLocaleString("en-US")} events)`,
    "",
    `- command: \`npx tsx bench/crash.ts --conversations ${n} --kills ${kills}\``,
    `- clean ingest: ${(clean.ms / 1000).toFixed(1)} s`,
    ...lines.map((l) => `- ${l}`),
    `- after re-running to completion, events and metrics (group_by channel,population) equal the clean ingest: **${equal ? "yes" : "NO"}**`,
    "",
  ].join("\n");
  const target = path.join(ROOT, "bench", "results", `${new Date().toISOString().slice(0, 10)}-${n}-crash.md`);
  fs.writeFileSync(target, out);
  log(`written ${path.relative(ROOT, target)}`);
  await dropSiblingDatabase(db.url, "crash");
  if (!equal) process.exitCode = 1;
} finally {
  await db.stop();
}
