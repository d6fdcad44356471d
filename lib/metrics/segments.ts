import { Prisma } from "../generated/prisma/client";
import { additiveRows, inSnapshot, itemColumn, rollupCoverage } from "../rollups/source";
import type { MetricSettings } from "../settings/defaults";
import { assembleMetrics } from "./assemble";
import { additiveItemsFor, ADDITIVE_ITEMS, DISTRIBUTIONS } from "./definitions";
import { queryPercentiles } from "./percentiles";
import type { MetricsRequest } from "./request";
import type { MetricKey, Segment, SegmentMetrics } from "./types";

const sql = Prisma.sql;
type Row = Record<string, unknown>;

/** A segment with only some of its metrics. */
export type SegmentOf<K extends MetricKey> = Omit<Segment, "metrics"> & { metrics: Pick<SegmentMetrics, K> };

export interface SegmentsOptions<K extends MetricKey> {
  /** false: every p50 / p90 null, and their query skipped */
  percentiles?: boolean;
  /** only these metrics (all by default): the other items are not aggregated, nor returned */
  metrics?: readonly K[];
  /** the caller runs this read alone (the API, the CLI): PostgreSQL may add parallel workers */
  parallelWorkers?: boolean;
}

/**
 * All segments: GROUP BY CUBE over the grouped dimensions yields every combination with data
 * plus the "all" totals; GROUPING() tells a total from a real null value. The counts and sums
 * come from the rollup plus the live tail (lib/rollups), the percentiles from the rows or the
 * sketches (percentiles.ts); all read one snapshot, so they describe the same conversations.
 */
export async function querySegments<K extends MetricKey = MetricKey>(
  req: MetricsRequest,
  settings: MetricSettings,
  { percentiles: withPercentilesOption = true, metrics: only, parallelWorkers = false }: SegmentsOptions<K> = {},
): Promise<SegmentOf<K>[]> {
  const items = only ? additiveItemsFor(only) : ADDITIVE_ITEMS;
  const withPercentiles = withPercentilesOption && (!only || only.some((k) => k in DISTRIBUTIONS));
  // metrics assembled from items that were not aggregated would read as zeros: never returned
  const shown = (m: SegmentMetrics): Pick<SegmentMetrics, K> =>
    only ? (Object.fromEntries(only.map((k) => [k, m[k]])) as Pick<SegmentMetrics, K>) : m;
  const dims = req.groupBy;
  const dimSelect = (table: string) =>
    dims.flatMap((d) => [
      sql`${Prisma.raw(`${table}.${d}`)} AS ${Prisma.raw(`"${d}"`)}`,
      sql`GROUPING(${Prisma.raw(`${table}.${d}`)}) AS ${Prisma.raw(`"${d}__total"`)}`,
    ]);
  const cube = (table: string) =>
    dims.length ? sql`GROUP BY CUBE (${Prisma.join(dims.map((d) => Prisma.raw(`${table}.${d}`)))})` : Prisma.empty;
  // exact numeric sums, converted once at the end
  const sums = items.map((i) => sql`sum(${itemColumn(i.alias)})::float8 AS ${Prisma.raw(`"${i.alias}"`)}`);

  const [additive, percentiles] = await inSnapshot(async (tx) => {
    const coverage = await rollupCoverage(tx, req, { parallelWorkers });
    const a = await tx.$queryRaw<Row[]>`
      SELECT ${Prisma.join([...dimSelect("u"), ...sums])} FROM ${additiveRows(req, coverage, dims, items)} ${cube("u")}`;
    const overall = a.find((row) => dims.every((d) => Number(row[`${d}__total`]) === 1));
    const p = withPercentiles ? await queryPercentiles(tx, req, coverage, dims, Number(overall?.inbound ?? 0)) : [];
    return [a, p] as const;
  });

  const groupKey = (row: Row) => JSON.stringify(dims.flatMap((d) => [row[d] ?? null, Number(row[`${d}__total`])]));
  const percentilesOf = new Map(percentiles.map((row) => [groupKey(row), row]));
  const segments: SegmentOf<K>[] = [];
  let overall = false;
  for (const row of additive) {
    const label = (d: string) => (Number(row[`${d}__total`]) === 1 ? "all" : (row[d] as string | null));
    const segment: SegmentOf<K> = {
      channel: dims.includes("channel") ? label("channel") : "all",
      population: dims.includes("population") ? label("population") : "all",
      metrics: shown(assembleMetrics({ ...row, ...percentilesOf.get(groupKey(row)) }, settings)),
    };
    if (dims.includes("customer_tier")) segment.customer_tier = label("customer_tier");
    if (dims.every((d) => Number(row[`${d}__total`]) === 1)) overall = true;
    segments.push(segment);
  }
  if (!overall) {
    // CUBE over an empty slice returns no rows: the overall segment is always reported
    const segment: SegmentOf<K> = { channel: "all", population: "all", metrics: shown(assembleMetrics({}, settings)) };
    if (dims.includes("customer_tier")) segment.customer_tier = "all";
    segments.unshift(segment);
  }
  return segments.sort(segmentOrder);
}

/** Totals first, then by dimension values, so output is stable for diffing and display. */
function segmentOrder(a: Omit<Segment, "metrics">, b: Omit<Segment, "metrics">): number {
  const key = (s: Omit<Segment, "metrics">) =>
    [s.channel, s.population, s.customer_tier].map((v) => (v === "all" ? "0" : v === null ? "2" : `1${v}`)).join("|");
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
