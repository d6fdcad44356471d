import { prisma } from "../db/prisma";
import { Prisma } from "../generated/prisma/client";
import { resolveMetricsRequest } from "../metrics";
import { DISTRIBUTIONS, type DistributionKey } from "../metrics/definitions";
import type { TMetricsQuery } from "../metrics/request";
import { sliceTable } from "../metrics/slice";

export interface HistogramBucket {
  /** lower edge in seconds (inclusive) */
  lo: number;
  /** upper edge in seconds (exclusive, except the last bucket) */
  hi: number;
  count: number;
}

/**
 * Histogram of one duration distribution over the slice, on a log scale (support times are
 * bimodal: AI answers in seconds, humans in minutes to hours; linear buckets would squash one
 * mode into a single bar). One query with width_bucket over ln(1 + x), same rows as the
 * distribution's n (DISTRIBUTIONS' condition). Every bucket is returned, empty ones with 0.
 */
export async function durationHistogram(q: TMetricsQuery, key: DistributionKey, buckets = 24): Promise<HistogramBucket[]> {
  const d = DISTRIBUTIONS[key];
  if (!d) throw new Error(`unknown distribution ${key}`);
  const req = await resolveMetricsRequest(q);
  const col = Prisma.raw(`s.${d.column}`);
  const where = Prisma.raw(d.where);
  const rows = await prisma().$queryRaw<{ b: number; n: number; top: number }[]>`
    WITH v AS (SELECT greatest(${col}, 0)::float8 AS x FROM ${sliceTable(req)} WHERE ${where}),
    r AS (SELECT greatest(ln(1 + max(x)), 1e-6) * (1 + 1e-9) AS top FROM v)
    SELECT width_bucket(ln(1 + v.x), 0, r.top, ${buckets}::int)::int AS b, count(*)::int AS n, r.top::float8 AS top
    FROM v, r GROUP BY 1, r.top ORDER BY 1`;
  if (rows.length === 0) return [];
  const top = rows[0].top;
  const edge = (i: number) => Math.exp((top * i) / buckets) - 1;
  const counts = new Map(rows.map((r) => [r.b, r.n]));
  return Array.from({ length: buckets }, (_, i) => ({ lo: edge(i), hi: edge(i + 1), count: counts.get(i + 1) ?? 0 }));
}
