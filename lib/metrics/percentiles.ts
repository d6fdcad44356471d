import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { sketchTail, type RollupCoverage } from "../rollups/source";
import { DISTRIBUTION_KEYS, distributionBuckets, interpolate } from "../rollups/sketch";
import { percentileSelectList } from "./definitions";
import type { MetricsRequest } from "./request";
import { filterConditions, sliceTable } from "./slice";

const sql = Prisma.sql;
const raw = Prisma.raw;
type Db = Pick<PrismaClient, "$queryRaw">;
type Row = Record<string, unknown>;
export type PercentileDimension = "channel" | "population" | "customer_tier";
type SketchDimension = "channel" | "population";

const DEFAULT_EXACT_UP_TO = 50_000;

/**
 * Up to how many conversations a request's p50 / p90 are exact `percentile_cont` over its rows
 * (METRICS_EXACT_PERCENTILES_UP_TO): that sort costs ~0.3 s per 50 000 cold, and grows with the
 * range. Past it they come from the sketches (lib/rollups/sketch.ts), within 1 % (metrics.md).
 */
export function exactPercentilesUpTo(): number {
  const v = Number(process.env.METRICS_EXACT_PERCENTILES_UP_TO);
  return process.env.METRICS_EXACT_PERCENTILES_UP_TO && Number.isFinite(v) && v >= 0 ? v : DEFAULT_EXACT_UP_TO;
}

/**
 * Rows of `dims` (with GROUPING flags, CUBE over them) and `<distribution>__p50` / `__p90`, for
 * the request's slice of `conversations` in the caller's snapshot. From the sketches when the
 * rollup covers the request, the sketches hold its filters and groups (not tier or topic) and
 * the slice holds more than exactPercentilesUpTo() conversations; exact otherwise.
 */
export async function queryPercentiles(db: Db, req: MetricsRequest, coverage: RollupCoverage | null, dims: PercentileDimension[], conversations: number): Promise<Row[]> {
  const dimSelect = (table: string) =>
    dims.flatMap((d) => [sql`${raw(`${table}.${d}`)} AS ${raw(`"${d}"`)}`, sql`GROUPING(${raw(`${table}.${d}`)}) AS ${raw(`"${d}__total"`)}`]);
  const cube = (table: string) => (dims.length ? sql`CUBE (${Prisma.join(dims.map((d) => raw(`${table}.${d}`)))})` : null);
  const sketchDims = dims.filter((d): d is SketchDimension => d !== "customer_tier");
  const sketched = !req.filters.topic?.length && !req.filters.customer_tier?.length && sketchDims.length === dims.length;
  if (!coverage || !sketched || conversations <= exactPercentilesUpTo()) {
    const groupBy = cube("s");
    return db.$queryRaw<Row[]>`
      SELECT ${Prisma.join([...dimSelect("s"), ...percentileSelectList()])} FROM ${sliceTable(req)} ${groupBy ? sql`GROUP BY ${groupBy}` : Prisma.empty}`;
  }
  return sketchPercentiles(db, req, coverage, sketchDims, dimSelect, cube);
}

const QUANTILES = [
  { p: 0.5, suffix: "p50" },
  { p: 0.9, suffix: "p90" },
] as const;

async function sketchPercentiles(
  db: Db,
  req: MetricsRequest,
  coverage: RollupCoverage,
  dims: SketchDimension[],
  dimSelect: (table: string) => Prisma.Sql[],
  cube: (table: string) => Prisma.Sql | null,
): Promise<Row[]> {
  const cols = (table: string) => dims.map((d) => raw(`${table}.${d}`));
  const rollupWhere = Prisma.join([sql`r.day >= ${req.from}::date`, sql`r.day <= ${req.to}::date`, ...filterConditions(req.filters, "r")], " AND ");
  const groupCube = cube("h");
  const partition = Prisma.join([...dims.flatMap((d) => [raw(`g."${d}"`), raw(`g."${d}__total"`)]), raw("g.distribution")]);
  const outer = dims.flatMap((d) => [raw(`c."${d}"`), raw(`c."${d}__total"`)]);
  // per quantile, the buckets of its two order statistics: the first whose running count passes each
  const picks = QUANTILES.flatMap(({ p, suffix }) =>
    (["floor", "ceil"] as const).map(
      (f) => sql`min(c.bucket) FILTER (WHERE c.upto > ${raw(f)}(${raw(String(p))}::float8 * (c.total - 1)::float8)) AS ${raw(`"${suffix}_${f}"`)}`,
    ),
  );
  const rows = await db.$queryRaw<Row[]>`
    WITH h AS (
      SELECT ${Prisma.join([...cols("r"), raw("r.distribution"), raw("u.bucket"), raw("sum(u.n) AS n")])}
      FROM conversation_rollup_sketches r CROSS JOIN LATERAL unnest(r.buckets, r.counts) AS u(bucket, n)
      WHERE ${rollupWhere}
      GROUP BY ${Prisma.join([...cols("r"), raw("r.distribution"), raw("u.bucket")])}
      UNION ALL
      SELECT ${Prisma.join([...cols("s"), raw("d.distribution"), raw("d.bucket"), raw("count(*) AS n")])}
      FROM ${sliceTable(req, sketchTail(coverage))} ${distributionBuckets()}
      WHERE d.bucket IS NOT NULL
      GROUP BY ${Prisma.join([...cols("s"), raw("d.distribution"), raw("d.bucket")])}
    ), g AS (
      SELECT ${Prisma.join([...dimSelect("h"), raw("h.distribution"), raw("h.bucket"), raw("sum(h.n) AS n")])}
      FROM h GROUP BY h.distribution, h.bucket ${groupCube ? sql`, ${groupCube}` : Prisma.empty}
    ), c AS (
      SELECT g.*, sum(g.n) OVER (PARTITION BY ${partition} ORDER BY g.bucket) AS upto, sum(g.n) OVER (PARTITION BY ${partition}) AS total
      FROM g
    )
    SELECT ${Prisma.join([...outer, raw("c.distribution"), raw("max(c.total)::float8 AS total"), ...picks])}
    FROM c GROUP BY ${Prisma.join([...outer, raw("c.distribution")])}`;

  // one row per group and distribution → one row per group with every distribution's columns
  const byGroup = new Map<string, Row>();
  for (const row of rows) {
    const key = JSON.stringify(dims.flatMap((d) => [row[d] ?? null, Number(row[`${d}__total`])]));
    let group = byGroup.get(key);
    if (!group) {
      group = Object.fromEntries(dims.flatMap((d) => [[d, row[d]], [`${d}__total`, row[`${d}__total`]]]));
      byGroup.set(key, group);
    }
    const name = DISTRIBUTION_KEYS[Number(row.distribution)];
    const total = Number(row.total);
    for (const { p, suffix } of QUANTILES) {
      group[`${name}__${suffix}`] = interpolate(p, total, Number(row[`${suffix}_floor`]), Number(row[`${suffix}_ceil`]));
    }
  }
  return [...byGroup.values()];
}
