/**
 * Cold dashboard computations through the library, each run `--runs` times, to compare planner
 * settings: run it once per setting, passing it in the connection string, e.g.
 *
 *   METRICS_CACHE=0 npx tsx bench/experiments/planner-cost.ts --url "postgresql://…/dashboard"
 *   METRICS_CACHE=0 npx tsx bench/experiments/planner-cost.ts --url "postgresql://…/dashboard?options=-c%20random_page_cost%3D1.1"
 *
 * against a kept bench cluster (`npm run bench -- --keep`, started by hand). Not part of
 * `npm run bench`; evidence for docs/scaling.md.
 */
import { parseArgs } from "node:util";
import { filterOptions } from "../../lib/data-quality";
import { closePool } from "../../lib/db/pool";
import { closePrisma } from "../../lib/db/prisma";
import { EXECUTIVE_TRENDS, VIEW_METRICS } from "../../components/executive-data";
import { computeMetrics, computeSomeMetrics, METRIC_KEYS } from "../../lib/metrics";
import { computeTimeseriesSet, type SeriesRequest } from "../../lib/metrics/timeseries";
import { FROM_28, FROM_90, TO } from "../lib/query";

const { values } = parseArgs({ options: { url: { type: "string" }, runs: { type: "string", default: "3" } } });
if (!values.url) throw new Error("--url is required");
if (process.env.METRICS_CACHE !== "0") throw new Error("run with METRICS_CACHE=0: every call must compute");
process.env.DATABASE_URL = values.url;
const runs = Math.min(20, Number(values.runs));

const TREND_SERIES: SeriesRequest[] = Object.values(EXECUTIVE_TRENDS).flatMap((series: readonly SeriesRequest[]) => series.map(({ metric, population }) => ({ metric, population })));

const CASES: [string, () => Promise<unknown>][] = [
  ["metrics 28 d by channel × population", () => computeMetrics({ from: FROM_28, to: TO, group_by: ["channel", "population"] })],
  ["metrics 90 d", () => computeMetrics({ from: FROM_90, to: TO })],
  ["28 d by channel × population, every metric but no percentiles", () => computeSomeMetrics({ from: FROM_28, to: TO, group_by: ["channel", "population"] }, METRIC_KEYS, { percentiles: false })],
  ["90 d, every metric but no percentiles", () => computeSomeMetrics({ from: FROM_90, to: TO }, METRIC_KEYS, { percentiles: false })],
  ["executive numbers as the page asks (its metrics only)", () => computeSomeMetrics({ from: FROM_28, to: TO, group_by: ["channel", "population"] }, VIEW_METRICS)],
  ["executive trends (13 series, 90 d by week)", () => computeTimeseriesSet({ from: FROM_90, to: TO, interval: "week" }, TREND_SERIES)],
  ["executive numbers and trends side by side (as the page)", () =>
    Promise.all([
      computeSomeMetrics({ from: FROM_28, to: TO, group_by: ["channel", "population"] }, VIEW_METRICS),
      computeTimeseriesSet({ from: FROM_90, to: TO, interval: "week" }, TREND_SERIES),
    ])],
  ["filter options", () => filterOptions()],
];

async function main() {
  process.stdout.write(`${values.url!.includes("options=") ? decodeURIComponent(values.url!.split("options=")[1]) : "server defaults"}\n`);
  for (const [name, fn] of CASES) {
    const t: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await fn();
      t.push(performance.now() - t0);
    }
    process.stdout.write(`  ${name.padEnd(50)} ${t.map((x) => `${x.toFixed(0)} ms`).join(", ")}\n`);
  }
}

main().finally(async () => {
  await closePrisma();
  await closePool();
});
