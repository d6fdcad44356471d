/**
 * `npm run bench -- [--conversations N] [--scenario ingest|query|concurrency|small|all] [--keep]
 *   [--reuse] [--connections 50] [--duration 60] [--calls 20]`
 *
 * `--keep` leaves the cluster in bench/data/pg-<N>; `--reuse` runs the query, concurrency or
 * small scenario on it again without loading anything (a 10 M load takes an hour).
 *
 * Ingest, query and concurrency figures of one machine against a fresh embedded PostgreSQL in
 * bench/data/pg-<N> (or BENCH_DATABASE_URL), written to bench/results/<date>-<N>.md next to the
 * goals. Loopback only; every load loop is bounded in count and time; the server and the cluster
 * are stopped at the end, also on error or Ctrl-C.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { openBenchDatabase, tableCounts, withClient, type BenchDatabase } from "./lib/cluster";
import { concurrencyScenario } from "./lib/concurrency";
import { ensureCsv, type CsvFile } from "./lib/data";
import { cliIngest, ingestScenario, smallFileScenario, type SmallFile } from "./lib/ingest";
import { METRICS_28, queryScenario } from "./lib/query";
import { printTable, writeReport, type Report } from "./lib/report";
import { buildApp, createReadKey, signIn, startServer, type Server } from "./lib/server";
import { killAllChildren, log, rmrf } from "./lib/util";

// small: only the small files into the loaded vs an empty database (part of ingest; with --reuse)
const SCENARIOS = ["ingest", "query", "concurrency", "small", "all"] as const;
type Scenario = (typeof SCENARIOS)[number];

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    conversations: { type: "string", default: "115000" },
    scenario: { type: "string", default: "all" },
    keep: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "60" },
    calls: { type: "string", default: "20" },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stdout.write("npm run bench -- [--conversations N] [--scenario ingest|query|concurrency|small|all] [--keep] [--reuse] [--connections 50] [--duration 60] [--calls 20]\n");
  process.exit(0);
}
const bounded = (name: string, v: string, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`--${name} must be an integer in [${min}, ${max}]\n`);
    process.exit(2);
  }
  return n;
};
// 20 M conversations is ~175 M events: ~16 GB of CSV and ~60 GB of database
const N = bounded("conversations", values.conversations!, 100, 20_000_000);
const connections = bounded("connections", values.connections!, 1, 200);
const durationS = bounded("duration", values.duration!, 1, 300);
const calls = bounded("calls", values.calls!, 1, 200);
const scenario = values.scenario as Scenario;
if (!SCENARIOS.includes(scenario)) {
  process.stderr.write(`--scenario must be one of ${SCENARIOS.join(", ")}\n`);
  process.exit(2);
}
const want = (s: Scenario) => scenario === "all" || scenario === s;
if (values.reuse && want("ingest")) {
  process.stderr.write("--reuse runs on what an earlier run loaded: use it with --scenario query, concurrency or small\n");
  process.exit(2);
}

/** ~8.7 events per conversation in the demo generator */
const EVENTS_PER_CONVERSATION = 8.7;
const SMALL_CONVERSATIONS = Math.round(100_000 / EVENTS_PER_CONVERSATION);
const BACKGROUND_CONVERSATIONS = Math.min(N, Math.round(1_000_000 / EVENTS_PER_CONVERSATION));

let db: BenchDatabase | undefined;
let server: Server | undefined;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await server?.stop().catch((e) => log(`stopping the server: ${(e as Error).message}`));
    await killAllChildren().catch(() => {});
    await db?.stop().catch((e) => log(`stopping PostgreSQL: ${(e as Error).message}`));
    if (db?.dir && !values.keep && !values.reuse) rmrf(db.dir);
    else if (db?.dir) log(`kept ${path.relative(process.cwd(), db.dir)}`);
  })();
  return cleaning;
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping the server and the cluster…`);
    void cleanup().finally(() => process.exit(130));
  });
}

/**
 * A demo file of new conversations for a load measured on its own: the first of `seeds` whose
 * conversations the database does not hold yet. On a kept cluster an earlier run already loaded
 * the first seed's (`--reuse`), and loading it again would measure skipping duplicates; the next
 * seed's file is statistically identical. Seed ranges: 2 and 5–49 the small file spread over the
 * history, 50–99 the last day's, 100–199 the concurrency scenario's background loads.
 */
async function freshFile(url: string, notes: string[], what: string, seeds: number[], make: (seed: number) => Promise<CsvFile>): Promise<CsvFile> {
  for (const seed of seeds) {
    const held = await withClient(url, (c) => c.query("SELECT 1 FROM events WHERE conversation_id = $1 LIMIT 1", [`demo-${seed}-0`]));
    if (held.rowCount) continue;
    if (seed !== seeds[0]) notes.push(`${what}: the database already holds seed ${seeds[0]}'s, seed ${seed} used`);
    return make(seed);
  }
  throw new Error(`${what}: every seed from ${seeds[0]} to ${seeds.at(-1)} is loaded already`);
}

/**
 * The two small files of the history goal: one spread over the whole history (new conversations
 * among the old ones: inserts all over the time indexes) and one of the history's last day (what
 * a daily export adds).
 */
async function freshSmallFiles(url: string, notes: string[]): Promise<SmallFile[]> {
  const spread = await freshFile(url, notes, "small file spread over the history", [2, ...range(5, 50)], (seed) =>
    ensureCsv(`small-${SMALL_CONVERSATIONS}-s${seed}`, SMALL_CONVERSATIONS, seed),
  );
  const lastDay = await freshFile(url, notes, "small file of the last day", range(50, 100), (seed) =>
    ensureCsv(`small-${SMALL_CONVERSATIONS}-lastday-s${seed}`, SMALL_CONVERSATIONS, seed, { days: 1 }),
  );
  return [
    { ...spread, label: "spread over the history" },
    { ...lastDay, label: "of the last day" },
  ];
}

/** One background file per load target of the concurrency scenario, two different seeds. */
async function freshBackgroundFiles(url: string, notes: string[]): Promise<CsvFile[]> {
  const make = (seed: number) => ensureCsv(`bg-${BACKGROUND_CONVERSATIONS}-s${seed}`, BACKGROUND_CONVERSATIONS, seed);
  const first = await freshFile(url, notes, "first background load", range(100, 200).filter((s) => s % 2 === 0), make);
  const second = await freshFile(url, notes, "second background load", range(100, 200).filter((s) => s % 2 === 1), make);
  return [first, second];
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function main() {
  const startedAt = new Date();
  const t0 = performance.now();
  if (want("query") || want("concurrency")) await buildApp();
  const file = await ensureCsv(String(N), N, 1);
  log(`${file.events} events in ${path.relative(process.cwd(), file.path)}`);

  db = await openBenchDatabase(N, { reuse: values.reuse });
  const report: Report = {
    n: N,
    args: process.argv.slice(2).join(" "),
    startedAt,
    totalMs: 0,
    file,
    db: null,
    notes: [],
  };
  if (want("ingest")) {
    report.ingest = await ingestScenario(db.url, file, await freshSmallFiles(db.url, report.notes));
  } else if (values.reuse) {
    const { events } = await tableCounts(db.url);
    if (events < file.events) throw new Error(`--reuse: the kept cluster holds ${events} events, fewer than the file's ${file.events}`);
    report.notes.push(`ran on the cluster an earlier --keep run loaded (${events} events), nothing loaded (--reuse)`);
  } else {
    log(`loading ${file.events} events (CLI ingest, not measured against goals)…`);
    const r = await cliIngest(db.url, file);
    report.notes.push(`data loaded with the CLI in ${(r.ms / 1000).toFixed(1)} s (ingest scenario not run)`);
    await withClient(db.url, (c) => c.query("VACUUM ANALYZE"));
  }

  if (scenario === "small") {
    report.small = [];
    for (const f of await freshSmallFiles(db.url, report.notes)) report.small.push(await smallFileScenario(db.url, f));
  }

  if (want("query") || want("concurrency")) {
    server = await startServer(db.url, N);
    const key = await createReadKey(db.url);
    const cookie = await signIn(server.base);
    if (want("query")) report.query = await queryScenario(db.url, server.base, key, cookie, calls);
    if (want("concurrency")) {
      const background = await freshBackgroundFiles(db.url, report.notes);
      const cookies = [cookie];
      while (cookies.length < connections) cookies.push(await signIn(server.base));
      report.concurrency = await concurrencyScenario(db.url, server.base, key, cookies, METRICS_28, {
        connections,
        durationS,
        ingestFiles: background,
      });
      if (BACKGROUND_CONVERSATIONS < 115_000) report.notes.push(`background ingests scaled down to ${background[0].events} events (N is small)`);
    }
  }
  report.notes.push("VACUUM ANALYZE runs after the main load (standing in for autovacuum having caught up) before the queries are timed.");
  const counts = await tableCounts(db.url);
  const version = await withClient(db.url, async (c) => (await c.query<{ v: string }>("SELECT version() AS v")).rows[0].v);
  report.db = { ...counts, server_version: version.split(" on ")[0] };
  report.totalMs = performance.now() - t0;
  const out = writeReport(report);
  printTable(report);
  log(`results written to ${path.relative(process.cwd(), out)}`);
}

main()
  .then(
    () => 0,
    (e) => {
      log(`error: ${(e as Error).stack ?? e}`);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  });
