import { Prisma } from "../generated/prisma/client";
import { DISTRIBUTIONS, type DistributionKey } from "../metrics/definitions";

const sql = Prisma.sql;
const raw = Prisma.raw;

/**
 * Mergeable percentile sketches: a duration v > 0 falls into bucket k = ceil(ln v / ln γ), the
 * interval (γ^(k-1), γ^k], and is read back as r_k = γ^k · 2 / (γ + 1). Every value of the
 * interval is then within α = (γ - 1) / (γ + 1) of r_k, relatively (the worst cases are its two
 * ends). 0 has a bucket of its own, read back exactly. Bucket counts add, so the sketch of a set
 * of conversations is the sum of the sketches of its parts: days, segments, the live tail.
 *
 * Why the bound survives `percentile_cont`: it interpolates linearly between two order
 * statistics x_i ≤ x_j, (1 - f) x_i + f x_j. Buckets keep the order, so the i-th smallest value
 * is in the bucket where the running count first passes i, and its read-back r satisfies
 * |r - x_i| ≤ α x_i (durations are never negative). The interpolated error is then at most
 * (1 - f) α x_i + f α x_j = α · (the exact answer).
 *
 * γ = 1.02 gives α = 0.0099: the spec's 1 % (metrics.md §3) with room for float rounding at a
 * bucket's edge. A duration range of 1 s to 30 days spans ~740 buckets.
 */
export const GAMMA = 1.02;
export const RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1);
/** Below every real bucket (k ≥ -37 600 for the smallest positive double). */
export const ZERO_BUCKET = -1_000_000;

/** The value a bucket stands for. */
export function bucketValue(bucket: number): number {
  return bucket === ZERO_BUCKET ? 0 : GAMMA ** bucket * (2 / (GAMMA + 1));
}

/** SQL: the bucket of a non-negative duration expression. */
export function bucketOf(value: Prisma.Sql): Prisma.Sql {
  return sql`CASE WHEN ${value} <= 0 THEN ${raw(String(ZERO_BUCKET))} ELSE ceil(ln(${value}) / ln(${raw(String(GAMMA))}::float8))::int END`;
}

/** Each distribution's number in the `distribution` column: its place in DISTRIBUTIONS. */
export const DISTRIBUTION_KEYS = Object.keys(DISTRIBUTIONS) as DistributionKey[];

/**
 * `CROSS JOIN LATERAL` items over a conversation row `s`: one (distribution, bucket) per
 * distribution, the bucket null where the row has no value for it (metrics.md's conditions).
 */
export function distributionBuckets(): Prisma.Sql {
  const rows = DISTRIBUTION_KEYS.map((key, i) => {
    const d = DISTRIBUTIONS[key];
    return sql`(${raw(`${i}::smallint`)}, CASE WHEN ${raw(d.where)} THEN ${bucketOf(raw(`s.${d.column}`))} END)`;
  });
  return sql`CROSS JOIN LATERAL (VALUES ${Prisma.join(rows)}) d(distribution, bucket)`;
}

/**
 * `SELECT day, channel, population, distribution, buckets, counts` from `counted`, a select of
 * (day, channel, population, distribution, bucket, n) with one row per bucket: each segment's
 * buckets and counts as two arrays sorted by bucket.
 */
export function sketchArrays(counted: Prisma.Sql): Prisma.Sql {
  return sql`
    SELECT b.day, b.channel, b.population, b.distribution, array_agg(b.bucket ORDER BY b.bucket) AS buckets, array_agg(b.n ORDER BY b.bucket) AS counts
    FROM (${counted}) b
    GROUP BY 1, 2, 3, 4`;
}

/**
 * `SELECT day, channel, population, distribution, buckets, counts` over conversation rows `s` of
 * `from`: the sketch rows of their segments, each row counted `weight` times (+1 / -1) when
 * given; buckets whose weights cancel out are left out.
 */
export function sketchRows(from: Prisma.Sql, weight?: string): Prisma.Sql {
  const n = weight ? raw(`sum(${weight})`) : raw("count(*)");
  return sketchArrays(sql`
    SELECT (s.started_at AT TIME ZONE 'UTC')::date AS day, s.channel, s.population, d.distribution, d.bucket, ${n} AS n
    FROM ${from} ${distributionBuckets()}
    WHERE d.bucket IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    ${weight ? sql`HAVING ${n} <> 0` : Prisma.empty}`);
}

/** Where the two order statistics of a `percentile_cont(p)` over `total` values fall: i = floor(p (total - 1)), j = ceil(…). */
export function orderStatistics(p: number, total: number): { i: number; j: number; fraction: number } {
  // the same float8 arithmetic as PostgreSQL's percentile_cont
  const h = p * (total - 1);
  const i = Math.floor(h);
  return { i, j: Math.ceil(h), fraction: h - i };
}

/** percentile_cont from the buckets of its two order statistics. */
export function interpolate(p: number, total: number, bucketI: number, bucketJ: number): number {
  const { fraction } = orderStatistics(p, total);
  const lo = bucketValue(bucketI);
  return fraction === 0 ? lo : lo + fraction * (bucketValue(bucketJ) - lo);
}
