import { prisma } from "../db/prisma";
import { Prisma } from "../generated/prisma/client";
import type { MetricSettings } from "../settings/defaults";
import { assembleMetrics } from "./assemble";
import { metricSelectList } from "./definitions";
import type { MetricsRequest } from "./request";
import { sliceTable } from "./slice";
import type { Segment } from "./types";

const sql = Prisma.sql;

/**
 * All segments in one scan: GROUP BY CUBE over the grouped dimensions yields every combination
 * with data plus the "all" totals; GROUPING() tells a total from a real null value.
 */
export async function querySegments(req: MetricsRequest, settings: MetricSettings): Promise<Segment[]> {
  const dims = req.groupBy;
  const dimSelect = dims.flatMap((d) => [
    sql`${Prisma.raw(`s.${d}`)} AS ${Prisma.raw(`"${d}"`)}`,
    sql`GROUPING(${Prisma.raw(`s.${d}`)}) AS ${Prisma.raw(`"${d}__total"`)}`,
  ]);
  const select = [
    ...dimSelect,
    ...metricSelectList({
      ai: settings.ai_cost_per_conversation,
      hourly: settings.human_cost_per_hour,
      fallback: settings.human_cost_per_contact_fallback,
    }),
  ];
  const groupBy = dims.length
    ? sql`GROUP BY CUBE (${Prisma.join(dims.map((d) => Prisma.raw(`s.${d}`)))})`
    : Prisma.empty;
  const rows = await prisma().$queryRaw<Record<string, unknown>[]>`
    SELECT ${Prisma.join(select)} FROM ${sliceTable(req)} ${groupBy}`;

  const segments: Segment[] = [];
  let overall = false;
  for (const row of rows) {
    const label = (d: string) => (Number(row[`${d}__total`]) === 1 ? "all" : (row[d] as string | null));
    const segment: Segment = {
      channel: dims.includes("channel") ? label("channel") : "all",
      population: dims.includes("population") ? label("population") : "all",
      metrics: assembleMetrics(row, settings),
    };
    if (dims.includes("customer_tier")) segment.customer_tier = label("customer_tier");
    if (dims.every((d) => Number(row[`${d}__total`]) === 1)) overall = true;
    segments.push(segment);
  }
  if (!overall) {
    // CUBE over an empty slice returns no rows: the overall segment is always reported.
    const empty = await prisma().$queryRaw<Record<string, unknown>[]>`
      SELECT ${Prisma.join(select.slice(dimSelect.length))} FROM ${sliceTable(req)}`;
    const segment: Segment = { channel: "all", population: "all", metrics: assembleMetrics(empty[0], settings) };
    if (dims.includes("customer_tier")) segment.customer_tier = "all";
    segments.unshift(segment);
  }
  return segments.sort(segmentOrder);
}

/** Totals first, then by dimension values, so output is stable for diffing and display. */
function segmentOrder(a: Segment, b: Segment): number {
  const key = (s: Segment) =>
    [s.channel, s.population, s.customer_tier].map((v) => (v === "all" ? "0" : v === null ? "2" : `1${v}`)).join("|");
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
