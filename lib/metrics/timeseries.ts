import { z } from "zod";
import { prisma } from "../db/prisma";
import { Prisma } from "../generated/prisma/client";
import { getMetricSettings } from "../settings";
import { latestEventAt } from "./as-of";
import { POPULATIONS, type Population } from "../events/vocabulary";
import { additiveItemsFor, DISTRIBUTIONS, RATE_DEFINITIONS, RATE_KEYS, type DistributionKey, type RateDefinition, type RateKey } from "./definitions";
import { additiveRows, inSnapshot, itemColumn, rollupCoverage } from "../rollups/source";
import { resolveRequest, ZMetricsQuery, type MetricsRequest } from "./request";
import { cached } from "./cache";
import { sliceTable } from "./slice";

const sql = Prisma.sql;

export const INTERVALS = ["day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

/** The metrics query minus group_by, plus the rate and the bucket size. */
export const ZTimeseriesQuery = ZMetricsQuery.omit({ group_by: true }).extend({
  metric: z.enum(RATE_KEYS as [RateKey, ...RateKey[]], { error: `must be a rate key: ${RATE_KEYS.join(", ")}` }),
  interval: z.enum(INTERVALS, { error: "must be day, week or month" }).optional(),
});
export type TTimeseriesQuery = z.infer<typeof ZTimeseriesQuery>;

export interface TimeseriesPoint {
  start: string;
  numerator: number;
  denominator: number;
  value: number | null;
  pending?: number;
}

const BUCKETS = (req: MetricsRequest, interval: Interval) => sql`
  buckets AS (
    SELECT generate_series(date_trunc(${Prisma.raw(`'${interval}'`)}, ${req.from}::date::timestamp), ${req.to}::date::timestamp,
      ${Prisma.raw(`'1 ${interval}'::interval`)})::date AS start
  )`;

/** Per-bucket aggregates (`alias → expression` over the slice rows `s`), every bucket present. */
function bucketQuery<R>(req: MetricsRequest, interval: Interval, select: [alias: string, expr: Prisma.Sql][]): Promise<(R & { start: string })[]> {
  const aggregates = select.map(([alias, expr]) => sql`${expr} AS ${Prisma.raw(`"${alias}"`)}`);
  const columns = select.map(([alias]) => Prisma.raw(`a."${alias}"`));
  return prisma().$queryRaw<(R & { start: string })[]>`
    WITH ${BUCKETS(req, interval)}, agg AS (
      SELECT date_trunc(${Prisma.raw(`'${interval}'`)}, s.started_at AT TIME ZONE 'UTC')::date AS start, ${Prisma.join(aggregates)}
      FROM ${sliceTable(req)}
      GROUP BY 1
    )
    SELECT to_char(b.start, 'YYYY-MM-DD') AS start, ${Prisma.join(columns)}
    FROM buckets b LEFT JOIN agg a USING (start)
    ORDER BY b.start`;
}

function point(d: RateDefinition, start: string, num: unknown, den: unknown, pending: unknown): TimeseriesPoint {
  const numerator = Number(num ?? 0);
  const denominator = Number(den ?? 0);
  const p: TimeseriesPoint = { start, numerator, denominator, value: denominator > 0 ? numerator / denominator : null };
  if (d.pending) p.pending = Number(pending ?? 0);
  return p;
}

/** One series of a set: a rate over the slice, or over one population of it. */
export interface SeriesRequest {
  metric: RateKey;
  population?: Population;
}

const SIDE_SUFFIX = { numerator: "num", denominator: "den", pending: "pending" } as const;

/** One side of a rate per bucket, from the additive rows `u`, on one population's rows when given. */
function seriesAggregate(s: SeriesRequest, side: keyof typeof SIDE_SUFFIX): Prisma.Sql {
  const d: RateDefinition = RATE_DEFINITIONS[s.metric];
  if (d[side] === undefined) return Prisma.raw("NULL::bigint");
  const column = itemColumn(`${s.metric}__${SIDE_SUFFIX[side]}`);
  if (!s.population) return sql`coalesce(sum(${column}), 0)::bigint`;
  if (!POPULATIONS.includes(s.population)) throw new Error(`unknown population ${s.population}`);
  return sql`coalesce(sum(${column}) FILTER (WHERE u.population = ${Prisma.raw(`'${s.population}'`)}), 0)::bigint`;
}

/**
 * Rates per bucket of started_at (UTC; weeks start on Monday) in one scan: the rollup's days
 * plus the live tail (lib/rollups), summed per bucket. Every bucket in the range is present,
 * empty ones with value null.
 */
async function seriesPoints(req: MetricsRequest, interval: Interval, series: SeriesRequest[]): Promise<TimeseriesPoint[][]> {
  const select = series.flatMap((s, i) =>
    (["numerator", "denominator", "pending"] as const).map((side) => sql`${seriesAggregate(s, side)} AS ${Prisma.raw(`"s${i}_${side}"`)}`),
  );
  const columns = series.flatMap((_, i) => ["numerator", "denominator", "pending"].map((side) => Prisma.raw(`a."s${i}_${side}"`)));
  const rows = await inSnapshot(async (tx) => {
    const coverage = await rollupCoverage(tx, req);
    return tx.$queryRaw<Record<string, unknown>[]>`
      WITH ${BUCKETS(req, interval)}, agg AS (
        SELECT date_trunc(${Prisma.raw(`'${interval}'`)}, u.day::timestamp)::date AS start, ${Prisma.join(select)}
        FROM ${additiveRows(req, coverage, ["day", "population"], additiveItemsFor(series.map((s) => s.metric)))}
        GROUP BY 1
      )
      SELECT to_char(b.start, 'YYYY-MM-DD') AS start, ${Prisma.join(columns)}
      FROM buckets b LEFT JOIN agg a USING (start)
      ORDER BY b.start`;
  });
  return series.map((s, i) => {
    const d: RateDefinition = RATE_DEFINITIONS[s.metric];
    return rows.map((r) => point(d, r.start as string, r[`s${i}_numerator`], r[`s${i}_denominator`], r[`s${i}_pending`]));
  });
}

/** One rate per bucket of started_at, with the same definitions as the segment query. */
export async function computeTimeseries(q: TTimeseriesQuery): Promise<TimeseriesPoint[]> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  const req = resolveRequest(q, latest, settings);
  const interval = q.interval ?? "day";
  const [points] = await cached(["timeseries", q.metric, interval, req, settings], () => seriesPoints(req, interval, [{ metric: q.metric }]));
  return points;
}

/**
 * Several rates per bucket in one scan (the executive page's trends) instead of one query per
 * series. Each series equals, point by point, computeTimeseries with the same query and
 * `population: [series.population]`. A series whose population the query's own population
 * filter excludes is null: it was filtered out, which is not the same as having no data.
 */
export async function computeTimeseriesSet(
  q: Omit<TTimeseriesQuery, "metric">,
  series: SeriesRequest[],
): Promise<(TimeseriesPoint[] | null)[]> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  const req = resolveRequest(q, latest, settings);
  const interval = q.interval ?? "day";
  const included = series.filter((s) => !s.population || !req.filters.population?.length || req.filters.population.includes(s.population));
  if (!included.length) return series.map(() => null);
  const points = await cached(["timeseries-set", included, interval, req, settings], () => seriesPoints(req, interval, included));
  return series.map((s) => {
    const i = included.indexOf(s);
    return i < 0 ? null : points[i];
  });
}

export interface DistributionPoint {
  start: string;
  /** conversations of the bucket with a value */
  n: number;
  p50: number | null;
  p90: number | null;
}

/**
 * P50 / P90 of a duration per bucket in one query, with the segment query's own aggregates
 * (percentile_cont over the rows of the bucket that have a value), so each point equals the
 * computeMetrics answer for the bucket's days clipped to the range.
 */
export async function computeDistributionTimeseries(q: Omit<TTimeseriesQuery, "metric">, key: DistributionKey): Promise<DistributionPoint[]> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  const req = resolveRequest(q, latest, settings);
  const interval = q.interval ?? "day";
  const d = DISTRIBUTIONS[key];
  const col = Prisma.raw(`s.${d.column}`);
  const where = Prisma.raw(d.where);
  const rows = await cached(["distribution-timeseries", key, interval, req, settings], () =>
    bucketQuery<{ n: bigint | null; p50: number | null; p90: number | null }>(req, interval, [
      ["n", sql`count(*) FILTER (WHERE ${where})`],
      ["p50", sql`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${col}) FILTER (WHERE ${where})`],
      ["p90", sql`percentile_cont(0.9) WITHIN GROUP (ORDER BY ${col}) FILTER (WHERE ${where})`],
    ]),
  );
  return rows.map((r) => ({
    start: r.start,
    n: Number(r.n ?? 0),
    p50: r.p50 === null || r.p50 === undefined ? null : Number(r.p50),
    p90: r.p90 === null || r.p90 === undefined ? null : Number(r.p90),
  }));
}
