import fs from "node:fs";
import type { ChildProcess } from "node:child_process";
import type { CsvFile } from "./data";
import { createSiblingDatabase, dropSiblingDatabase, withClient } from "./cluster";
import { log, run, ROOT } from "./util";

export interface IngestRun {
  ms: number;
  eventsPerS: number;
  peakRssMb: number | null;
  accepted: number;
  duplicates: number;
  rejected: number;
  phases: Record<string, number>;
}

const TIME = "/usr/bin/time";

/**
 * The CLI as a separate process, exactly as an operator runs it, under /usr/bin/time -v for the
 * peak RSS (the node process itself: tsx is loaded with --import, no extra process).
 */
export function startCliIngest(url: string, file: string, timeoutMs: number) {
  const useTime = fs.existsSync(TIME);
  const node = [process.execPath, "--import", "tsx", "cli/index.ts", "ingest", file, "--json"];
  const [cmd, ...args] = useTime ? [TIME, "-v", ...node] : node;
  return run(cmd, args, {
    cwd: ROOT,
    timeoutMs,
    env: { ...process.env, DATABASE_URL: url, INGEST_TIMING: "1", NODE_OPTIONS: "" },
  });
}

export function parseIngest(r: { code: number | null; stdout: string; stderr: string; ms: number }, events: number): IngestRun {
  if (r.code !== 0) throw new Error(`ingest exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  const lines = r.stdout.trim().split("\n");
  const result = JSON.parse(lines[lines.length - 1]) as { accepted: number; duplicates: number; rejected: unknown[] };
  const phases: Record<string, number> = {};
  // an ingest in parts prints each step once per part: the table shows the sums
  for (const m of r.stderr.matchAll(/^\[ingest\] (.+): (\d+) ms$/gm)) phases[m[1]] = (phases[m[1]] ?? 0) + Number(m[2]);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return {
    ms: r.ms,
    eventsPerS: events / (r.ms / 1000),
    peakRssMb: rss ? Number(rss[1]) / 1024 : null,
    accepted: result.accepted,
    duplicates: result.duplicates,
    rejected: result.rejected.length,
    phases,
  };
}

/**
 * A bound on one CLI ingest of `events` events, so a hung run ends: an hour, or 1 ms per event
 * (~8× the measured 1 M-conversation rate) for big files, e.g. 87 M events at 10 M conversations.
 */
export const ingestTimeoutMs = (events: number) => Math.max(3_600_000, events);

export async function cliIngest(url: string, file: CsvFile, timeoutMs = ingestTimeoutMs(file.events)): Promise<IngestRun> {
  return parseIngest(await startCliIngest(url, file.path, timeoutMs), file.events);
}

/** psql \copy of the raw file into a bare one-column text table: the floor for moving the bytes in. */
export async function psqlCopy(url: string, file: CsvFile): Promise<number> {
  await withClient(url, (c) => c.query("DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (line text)"));
  // CSV format with delimiter and quote characters that never occur: each line is one field.
  const cmd = `\\copy bench_copy FROM '${file.path.replace(/'/g, "''")}' WITH (FORMAT csv, HEADER true, DELIMITER E'\\x01', QUOTE E'\\x02')`;
  const r = await run("/usr/bin/psql", [url, "-X", "-v", "ON_ERROR_STOP=1", "-c", cmd], { timeoutMs: Math.max(1_800_000, file.events / 10) });
  if (r.code !== 0) throw new Error(`psql \\copy failed: ${r.stderr}`);
  const m = /COPY (\d+)/.exec(r.stdout);
  if (!m || Number(m[1]) !== file.events) throw new Error(`psql \\copy loaded ${m?.[1]} lines, expected ${file.events}`);
  await withClient(url, (c) => c.query("DROP TABLE bench_copy"));
  return r.ms;
}

/** A small file and what its conversations span (bench/run.ts freshSmallFiles). */
export type SmallFile = CsvFile & { label: string };
export type SmallFileScenario = { label: string; events: number; emptyMs: number; loadedMs: number; empty: IngestRun; loaded: IngestRun };

export interface IngestScenario {
  main: IngestRun;
  copyMs: number;
  reingest: IngestRun;
  small: SmallFileScenario[];
}

export async function ingestScenario(url: string, file: CsvFile, small: SmallFile[]): Promise<IngestScenario> {
  log(`psql \\copy of ${file.events} lines into a bare text table…`);
  const copyMs = await psqlCopy(url, file);
  log(`  ${(copyMs / 1000).toFixed(1)} s`);
  await withClient(url, (c) => c.query("CHECKPOINT"));

  log(`CLI ingest of ${file.events} events…`);
  const main = await cliIngest(url, file);
  log(`  ${(main.ms / 1000).toFixed(1)} s, ${Math.round(main.eventsPerS)} events/s, peak RSS ${main.peakRssMb?.toFixed(0)} MB, ${JSON.stringify(main.phases)}`);
  await withClient(url, (c) => c.query("VACUUM ANALYZE").then(() => c.query("CHECKPOINT")));

  log("re-ingest of the same file (all duplicates)…");
  const reingest = await cliIngest(url, file);
  log(`  ${(reingest.ms / 1000).toFixed(1)} s, ${JSON.stringify(reingest.phases)}`);

  const smallRuns: SmallFileScenario[] = [];
  for (const f of small) smallRuns.push(await smallFileScenario(url, f));
  return { main, copyMs, reingest, small: smallRuns };
}

/** The small file into an empty database, then into the loaded one: what the stored history costs an ingest. */
export async function smallFileScenario(url: string, small: SmallFile): Promise<SmallFileScenario> {
  log(`${small.events}-event file ${small.label} into an empty database…`);
  const emptyUrl = await createSiblingDatabase(url, "bench_empty");
  let empty: IngestRun;
  try {
    await withClient(url, (c) => c.query("CHECKPOINT"));
    empty = await cliIngest(emptyUrl, small);
  } finally {
    await dropSiblingDatabase(url, "bench_empty");
  }
  log(`  ${(empty.ms / 1000).toFixed(1)} s ${JSON.stringify(empty.phases)}`);
  log(`${small.events}-event file into the loaded database…`);
  await withClient(url, (c) => c.query("CHECKPOINT"));
  const loaded = await cliIngest(url, small);
  log(`  ${(loaded.ms / 1000).toFixed(1)} s ${JSON.stringify(loaded.phases)}`);
  if (loaded.duplicates > 0) {
    // e.g. --scenario small --reuse a second time: skipping duplicates is not the cost measured
    throw new Error(`the loaded database already held ${loaded.duplicates} of the small file's events: its figure would not be an ingest's`);
  }
  await withClient(url, (c) => c.query("VACUUM ANALYZE"));
  return { label: small.label, events: small.events, emptyMs: empty.ms, loadedMs: loaded.ms, empty, loaded };
}

export type { ChildProcess };
