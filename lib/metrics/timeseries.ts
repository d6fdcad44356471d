import { z } from "zod";
import { prisma } from "../db/prisma";
import { Prisma } from "../generated/prisma/client";
import { getMetricSettings } from "../settings";
import { latestEventAt } from "./as-of";
import { RATE_DEFINITIONS, RATE_KEYS, rateAggregate, type RateDefinition, type RateKey } from "./definitions";
import { resolveRequest, ZMetricsQuery } from "./request";
import { cached } from "./cache";
import { sliceTable } from "./slice";

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

/**
 * One rate per bucket of started_at (UTC; weeks start on Monday). Every bucket in the range is
 * present, empty ones with value null. Uses the same definitions as the segment query.
 */
export async function computeTimeseries(q: TTimeseriesQuery): Promise<TimeseriesPoint[]> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  const req = resolveRequest(q, latest, settings);
  const interval = q.interval ?? "day";
  const d: RateDefinition = RATE_DEFINITIONS[q.metric];
  const unit = Prisma.raw(`'${interval}'`);
  const step = Prisma.raw(`'1 ${interval}'::interval`);
  const rows = await cached(["timeseries", q.metric, interval, req, settings], () => prisma().$queryRaw<{ start: string; numerator: bigint | null; denominator: bigint | null; pending: bigint | null }[]>`
    WITH buckets AS (
      SELECT generate_series(date_trunc(${unit}, ${req.from}::date::timestamp), ${req.to}::date::timestamp, ${step})::date AS start
    ), agg AS (
      SELECT date_trunc(${unit}, s.started_at AT TIME ZONE 'UTC')::date AS start,
        ${rateAggregate(d, "numerator")} AS numerator, ${rateAggregate(d, "denominator")} AS denominator,
        ${rateAggregate(d, "pending")} AS pending
      FROM ${sliceTable(req)}
      GROUP BY 1
    )
    SELECT to_char(b.start, 'YYYY-MM-DD') AS start, a.numerator, a.denominator, a.pending
    FROM buckets b LEFT JOIN agg a USING (start)
    ORDER BY b.start`);
  return rows.map((r) => {
    const numerator = Number(r.numerator ?? 0);
    const denominator = Number(r.denominator ?? 0);
    const point: TimeseriesPoint = { start: r.start, numerator, denominator, value: denominator > 0 ? numerator / denominator : null };
    if (d.pending) point.pending = Number(r.pending ?? 0);
    return point;
  });
}
