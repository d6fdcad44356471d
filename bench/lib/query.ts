import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import { filterOptions } from "../../lib/data-quality";
import { computeMetrics, computeSomeMetrics } from "../../lib/metrics";
import { computeTimeseries, computeTimeseriesSet, type SeriesRequest } from "../../lib/metrics/timeseries";
import { EXECUTIVE_TRENDS, VIEW_METRICS } from "../../components/executive-data";
import { closePrisma } from "../../lib/db/prisma";
import { closePool } from "../../lib/db/pool";
import { BENCH_NOW } from "./data";
import { withClient } from "./cluster";
import { fmtMs, log, summarize, timeCalls, type Sample } from "./util";

const day = (d: Date) => d.toISOString().slice(0, 10);
const daysBefore = (n: number) => new Date(BENCH_NOW.getTime() - n * 86_400_000);
/** The last full day before BENCH_NOW and the N days ending on it. */
export const TO = day(daysBefore(1));
export const FROM_28 = day(daysBefore(28));
export const FROM_90 = day(daysBefore(90));

export const METRICS_28 = `/api/v1/metrics?from=${FROM_28}&to=${TO}&group_by=channel,population`;
export const METRICS_90 = `/api/v1/metrics?from=${FROM_90}&to=${TO}`;
export const TIMESERIES_90 = `/api/v1/metrics/timeseries?from=${FROM_90}&to=${TO}&interval=day&metric=verified_resolution_rate`;

export interface QueryScenario {
  metrics28: Sample;
  metrics90: Sample;
  timeseries90: Sample;
  countStar: Sample;
  page: Sample;
  pageStatus: number;
  pageBytes: number;
  explains: { name: string; sql: string; plan: string; seqScanEvents: boolean; ms: number }[];
  /** the library call computed from the database, not the cache (what the first viewer after an ingest waits) */
  cold: { name: string; ms: number }[];
  /** one HTTP call just after a settled data version (as an API post leaves it): every cache of the server is cold */
  afterChange: { name: string; ms: number }[];
}

async function get(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number }> {
  const res = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(60_000) });
  const body = await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}: ${Buffer.from(body).toString("utf8").slice(0, 300)}`);
  return { status: res.status, bytes: body.byteLength };
}

export async function queryScenario(dbUrl: string, base: string, apiKey: string, cookie: string, calls: number): Promise<QueryScenario> {
  const auth = { authorization: `Bearer ${apiKey}` };
  log(`${calls} warm calls each: metrics 28 d grouped, metrics 90 d, timeseries 90 d, count(*), executive page…`);
  const metrics28 = await timeCalls(calls, 3, () => get(base + METRICS_28, auth));
  const metrics90 = await timeCalls(calls, 3, () => get(base + METRICS_90, auth));
  const timeseries90 = await timeCalls(calls, 3, () => get(base + TIMESERIES_90, auth));
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  let countStar: Sample;
  try {
    countStar = await timeCalls(calls, 3, () => client.query("SELECT count(*) FROM conversations"));
  } finally {
    await client.end();
  }
  let last = { status: 0, bytes: 0 };
  const page = await timeCalls(calls, 3, async () => (last = await get(`${base}/`, { cookie })));
  const afterChange = await firstCallsAfterAChange(dbUrl, [
    ["GET /api/v1/metrics 28 d group_by=channel,population", base + METRICS_28, auth],
    ["GET /api/v1/metrics 90 d", base + METRICS_90, auth],
    ["GET / executive page", `${base}/`, { cookie }],
  ]);
  const { explains, cold } = await explainDashboardSql(dbUrl);
  return { metrics28, metrics90, timeseries90, countStar, page, pageStatus: last.status, pageBytes: last.bytes, explains, cold, afterChange };
}

/**
 * Each call right after a new settled data version — what an API post does to every cached
 * answer — so the server computes it from the database, as the first viewer after a write waits.
 */
async function firstCallsAfterAChange(dbUrl: string, calls: [string, string, Record<string, string>][]) {
  const out: QueryScenario["afterChange"] = [];
  for (const [name, url, headers] of calls) {
    await withClient(dbUrl, (c) => c.query("UPDATE data_version SET version = version + 1, settled = version + 1"));
    const t0 = performance.now();
    await get(url, headers);
    out.push({ name, ms: performance.now() - t0 });
    log(`  first call after a change, ${name}: ${fmtMs(out.at(-1)!.ms)}`);
  }
  return out;
}

/**
 * The SQL the metrics library really sends, recorded through a Prisma client with query events
 * installed as the library's process-wide client, then EXPLAIN (ANALYZE, BUFFERS) with the same
 * parameters. Settings/key lookups are left out; only statements over conversations/events.
 */
export async function explainDashboardSql(dbUrl: string) {
  process.env.DATABASE_URL = dbUrl;
  const recorded: { name: string; sql: string; params: unknown[] }[] = [];
  // the names whose reads the library planned without parallel workers (lib/rollups/source.ts):
  // their EXPLAIN must be planned the same way to show the plan that was served
  const withoutWorkers = new Set<string>();
  let current = "";
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: dbUrl }), log: [{ emit: "event", level: "query" }] });
  client.$on("query", (e) => {
    if (/set_config\('max_parallel_workers_per_gather', '0'/.test(e.query)) withoutWorkers.add(current);
    if (/\b(conversations|events)\b/.test(e.query)) recorded.push({ name: current, sql: e.query, params: JSON.parse(e.params) as unknown[] });
  });
  const g = globalThis as unknown as { __prisma?: PrismaClient; __prismaUrl?: string };
  g.__prisma = client;
  g.__prismaUrl = dbUrl;
  const cold: QueryScenario["cold"] = [];
  const timed = async (name: string, fn: () => Promise<unknown>, { explain = true } = {}) => {
    current = explain ? name : "";
    const t0 = performance.now();
    await fn();
    cold.push({ name, ms: performance.now() - t0 });
  };
  const cacheSetting = process.env.METRICS_CACHE;
  process.env.METRICS_CACHE = "0";
  const trendSeries: SeriesRequest[] = Object.values(EXECUTIVE_TRENDS).flatMap((series: readonly SeriesRequest[]) =>
    series.map(({ metric, population }) => ({ metric, population })),
  );
  try {
    // through the rollup (lib/rollups) as served, then over the rows alone for comparison
    for (const [mode, rollups] of [["", undefined], [" (rows only, METRICS_ROLLUPS=0)", "0"]] as const) {
      if (rollups) process.env.METRICS_ROLLUPS = rollups;
      await timed(`metrics 28 d group_by=channel,population${mode}`, () => computeMetrics({ from: FROM_28, to: TO, group_by: ["channel", "population"] }));
      await timed(`metrics 90 d${mode}`, () => computeMetrics({ from: FROM_90, to: TO }));
      await timed(`timeseries 90 d verified_resolution_rate${mode}`, () =>
        computeTimeseries({ from: FROM_90, to: TO, metric: "verified_resolution_rate", interval: "day" }));
      await timed(`executive page trends: ${trendSeries.length} series, 90 d by week${mode}`, () =>
        computeTimeseriesSet({ from: FROM_90, to: TO, interval: "week" }, trendSeries));
      await timed(`executive page numbers: the ${VIEW_METRICS.length} metrics it shows, 28 d group_by=channel,population${mode}`, () =>
        computeSomeMetrics({ from: FROM_28, to: TO, group_by: ["channel", "population"] }, VIEW_METRICS));
      await timed(`executive page filter options: customer tiers and topics${mode}`, () => filterOptions());
      // as the page asks for them: side by side, on however many cores there are
      await timed(`executive page numbers, trends and filter options side by side${mode}`, () =>
        Promise.all([
          computeSomeMetrics({ from: FROM_28, to: TO, group_by: ["channel", "population"] }, VIEW_METRICS),
          computeTimeseriesSet({ from: FROM_90, to: TO, interval: "week" }, trendSeries),
          filterOptions(),
        ]), { explain: false });
    }
    delete process.env.METRICS_ROLLUPS;
    // the rollup, with p50 / p90 exact over the rows instead of from the sketches
    const exact = " (exact percentiles, METRICS_EXACT_PERCENTILES_UP_TO=1e12)";
    process.env.METRICS_EXACT_PERCENTILES_UP_TO = "1e12";
    await timed(`metrics 28 d group_by=channel,population${exact}`, () => computeMetrics({ from: FROM_28, to: TO, group_by: ["channel", "population"] }));
    await timed(`metrics 90 d${exact}`, () => computeMetrics({ from: FROM_90, to: TO }));
  } finally {
    delete process.env.METRICS_ROLLUPS;
    delete process.env.METRICS_EXACT_PERCENTILES_UP_TO;
    if (cacheSetting === undefined) delete process.env.METRICS_CACHE;
    else process.env.METRICS_CACHE = cacheSetting;
    await closePrisma();
    await closePool();
  }
  const pgc = new pg.Client({ connectionString: dbUrl });
  await pgc.connect();
  const out: QueryScenario["explains"] = [];
  try {
    const seen = new Set<string>();
    for (const q of recorded) {
      const key = q.name + q.sql;
      if (!q.name || seen.has(key)) continue;
      seen.add(key);
      await pgc.query(withoutWorkers.has(q.name) ? "SET max_parallel_workers_per_gather = 0" : "RESET max_parallel_workers_per_gather");
      const t0 = performance.now();
      const { rows } = await pgc.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params);
      const ms = performance.now() - t0;
      const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      out.push({ name: q.name, sql: q.sql, plan, seqScanEvents: /Seq Scan on events\b/.test(plan), ms });
    }
  } finally {
    await pgc.end();
  }
  for (const e of out) log(`EXPLAIN ${e.name}: ${e.sql.slice(0, 60).replace(/\s+/g, " ")}… seq scan on events: ${e.seqScanEvents ? "YES" : "no"}`);
  return { explains: out, cold };
}

export { summarize };
