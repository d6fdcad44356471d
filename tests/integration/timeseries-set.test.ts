import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestDemoData } from "../../lib/demo/first-start";
import { computeMetrics } from "../../lib/metrics";
import { DISTRIBUTIONS, type DistributionKey } from "../../lib/metrics/definitions";
import type { TMetricsQuery } from "../../lib/metrics/request";
import {
  computeDistributionTimeseries,
  computeTimeseries,
  computeTimeseriesSet,
  type Interval,
  type SeriesRequest,
} from "../../lib/metrics/timeseries";
import { closeConnections, freshDatabase } from "./support/db";

/**
 * The one-scan trend queries (the executive page's trends, the drill-down's P50/P90 trend) give
 * exactly what one query per series / per bucket gives.
 */
const NOW = new Date("2026-04-30T12:00:00Z");

beforeAll(async () => {
  await freshDatabase();
  await ingestDemoData({ conversations: 900, seed: 5, days: 100, now: NOW });
});
afterAll(closeConnections);

// every kind of rate: over conversations with and without a pending side, over events; overall and per population
const SERIES: SeriesRequest[] = [
  { metric: "verified_resolution_rate" },
  { metric: "deflection_rate" },
  { metric: "containment_rate" },
  { metric: "recontact_rate", population: "ai_only" },
  { metric: "fcr_rate", population: "ai_only" },
  { metric: "fcr_rate", population: "human_only" },
  { metric: "fcr_rate", population: "ai_escalated" },
  { metric: "context_transfer_rate" },
  { metric: "resolved_in_session_rate" },
  { metric: "escalation_rate" },
  { metric: "csat", population: "ai_only" },
  { metric: "csat", population: "human_only" },
  { metric: "hallucination_rate", population: "ai_escalated" },
  { metric: "override_rate" },
];

const QUERIES: { name: string; query: Omit<TMetricsQuery, "group_by">; interval: Interval }[] = [
  { name: "90 days by week", query: { from: "2026-01-31", to: "2026-04-30" }, interval: "week" },
  { name: "a mid-week range by day, one channel", query: { from: "2026-03-04", to: "2026-04-16", channel: ["chat", "email"] }, interval: "day" },
  { name: "by month with shorter windows and an as_of", query: { from: "2026-01-15", to: "2026-04-30", recontact_hours: 24, verification_hours: 24, as_of: new Date("2026-04-20T00:00:00Z") }, interval: "month" },
  { name: "a population filter that excludes some series", query: { from: "2026-02-01", to: "2026-04-30", population: ["ai_only", "ai_escalated"] }, interval: "week" },
];

describe("computeTimeseriesSet", () => {
  for (const { name, query, interval } of QUERIES) {
    it(`equals one computeTimeseries per series: ${name}`, async () => {
      const set = await computeTimeseriesSet({ ...query, interval }, SERIES);
      expect(set).toHaveLength(SERIES.length);
      let nonEmpty = 0;
      for (const [i, s] of SERIES.entries()) {
        const excluded = s.population && query.population && !query.population.includes(s.population);
        if (excluded) {
          expect(set[i], `${s.metric}/${s.population} is filtered out`).toBeNull();
          continue;
        }
        const single = await computeTimeseries({ ...query, interval, metric: s.metric, ...(s.population ? { population: [s.population] } : {}) });
        expect(set[i], `${s.metric}/${s.population ?? "all"}`).toEqual(single);
        if (single.some((p) => p.denominator > 0)) nonEmpty++;
      }
      // the comparison is about real numbers, not empty buckets
      expect(nonEmpty).toBeGreaterThan(SERIES.length / 2);
    });
  }

  it("restricts a series to its population (not the slice's totals)", async () => {
    const q = { from: "2026-01-31", to: "2026-04-30", interval: "week" as const };
    const [overall, aiOnly, human] = await computeTimeseriesSet(q, [
      { metric: "fcr_rate" },
      { metric: "fcr_rate", population: "ai_only" },
      { metric: "fcr_rate", population: "human_only" },
    ]);
    const total = (ps: typeof overall) => ps!.reduce((n, p) => n + p.denominator, 0);
    expect(total(aiOnly)).toBeGreaterThan(0);
    expect(total(human)).toBeGreaterThan(0);
    expect(total(aiOnly) + total(human)).toBeLessThan(total(overall));
  });
});

/** The days of a bucket starting at `start`, clipped to [from, to] (UTC dates). */
function bucketDays(start: string, interval: Interval, from: string, to: string): { from: string; to: string } {
  const d = new Date(`${start}T00:00:00Z`);
  if (interval === "day") d.setUTCDate(d.getUTCDate() + 1);
  else if (interval === "week") d.setUTCDate(d.getUTCDate() + 7);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(d.getUTCDate() - 1);
  const last = d.toISOString().slice(0, 10);
  return { from: start < from ? from : start, to: last > to ? to : last };
}

describe("computeDistributionTimeseries", () => {
  for (const { name, query, interval } of QUERIES.slice(0, 3)) {
    it(`equals computeMetrics over each bucket's days: ${name}`, async () => {
      let withValues = 0;
      for (const key of Object.keys(DISTRIBUTIONS) as DistributionKey[]) {
        const points = await computeDistributionTimeseries({ ...query, interval }, key);
        const days = await computeTimeseries({ ...query, interval, metric: "containment_rate" });
        expect(points.map((p) => p.start)).toEqual(days.map((p) => p.start));
        for (const p of points) {
          const range = bucketDays(p.start, interval, query.from!, query.to!);
          const d = (await computeMetrics({ ...query, ...range })).segments[0].metrics[key];
          expect({ n: p.n, p50: p.p50, p90: p.p90 }, `${key} ${p.start}`).toEqual({ n: d.n, p50: d.p50, p90: d.p90 });
          if (d.n > 1) withValues++;
        }
      }
      expect(withValues).toBeGreaterThan(4);
    });
  }
});
