import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXECUTIVE_TRENDS, executiveNumbers, executiveTrends, VIEW_METRICS, type ExecutiveTrendKey } from "../../components/executive-data";
import { requestBasis, resolvePageRequest } from "../../components/page-data";
import { lastDays, trendRows, type SeriesSpec } from "../../components/trend";
import { pool } from "../../lib/db/pool";
import { ingestDemoData } from "../../lib/demo/first-start";
import { computeMetrics, computeSomeMetrics, METRIC_KEYS, resolveMetricsRequest } from "../../lib/metrics";
import { dataVersion } from "../../lib/metrics/cache";
import type { TMetricsQuery } from "../../lib/metrics/request";
import { getMetricSettings } from "../../lib/settings";
import { getTargets } from "../../lib/settings/targets";
import { closeConnections, freshDatabase } from "./support/db";

/**
 * The executive page reads its numbers through page-level caches (components/page-data.ts,
 * executive-data.ts): they must give what the library gives for the same request.
 */
const NOW = new Date("2026-04-30T12:00:00Z");

beforeAll(async () => {
  await freshDatabase();
  await ingestDemoData({ conversations: 700, seed: 9, days: 100, now: NOW });
});
afterAll(closeConnections);

async function store(key: string, value: unknown) {
  await pool().query(
    "INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
    [key, JSON.stringify(value)],
  );
}

describe("requestBasis", () => {
  it("reads the same data version, settings and targets as the library, in one query", async () => {
    const check = async () => {
      const basis = await requestBasis();
      expect(basis.version).toBe(await dataVersion());
      expect(basis.settings).toEqual(await getMetricSettings());
      expect(basis.targets).toEqual(await getTargets());
      return basis;
    };
    const defaults = await check();
    await store("recontact_hours", 24);
    await store("baseline_cost_per_contact", 7.5);
    await store("targets", [{ id: "fcr_all", min: 0.65 }, { id: "escalation_rate", max: null }]);
    const changed = await check();
    expect(changed.settings.recontact_hours).toBe(24);
    expect(changed.targets.find((t) => t.id === "fcr_all")?.min).toBe(0.65);
    expect(changed.targets).not.toEqual(defaults.targets);
    // an unreadable stored value falls back to the defaults, as getMetricSettings / getTargets do
    await store("verification_hours", "lots");
    await store("targets", "not a list");
    await check();
    await pool().query("DELETE FROM settings");
    expect((await check()).settings).toEqual(defaults.settings);
  });

  it("resolves a page query exactly as the API does", async () => {
    for (const q of [{}, { from: "2026-03-01", to: "2026-03-31" }, { verification_hours: 24, channel: ["chat"] }] as TMetricsQuery[]) {
      expect(await resolvePageRequest(q)).toEqual(await resolveMetricsRequest(q));
    }
  });
});

describe("the executive page's data", () => {
  const QUERIES: TMetricsQuery[] = [{}, { channel: ["chat", "voice"] }, { population: ["ai_only", "human_only"], verification_hours: 48 }];

  for (const query of QUERIES) {
    it(`numbers and trends equal computeMetrics and one timeseries per series: ${JSON.stringify(query)}`, async () => {
      const req = await resolvePageRequest(query);
      const numbers = await executiveNumbers(query, req);
      const api = await computeMetrics({ ...query, group_by: ["channel", "population"] });
      expect(numbers.range).toEqual(api.range);
      for (const s of api.segments) {
        if (s.channel === "all" && s.population !== null) {
          expect(numbers.byPopulation[s.population].metrics).toEqual(Object.fromEntries(VIEW_METRICS.map((k) => [k, s.metrics[k]])));
        }
        if (s.channel !== null && s.population !== null) {
          expect(numbers.cells[`${s.channel}|${s.population}`]).toEqual({ inbound: s.metrics.inbound.value, containment: s.metrics.containment_rate.value });
        }
      }
      expect(numbers.byPopulation.all.metrics.inbound.value).toBeGreaterThan(0);

      const trends = await executiveTrends(query, req.to);
      for (const [chart, series] of Object.entries(EXECUTIVE_TRENDS) as [ExecutiveTrendKey, SeriesSpec[]][]) {
        const expected = await trendRows({ ...query, ...lastDays(req.to, 90) }, series, "week");
        expect(trends[chart].rows, chart).toEqual(expected.rows);
        expect(trends[chart].categories, chart).toEqual(series.map((s) => s.key).filter((k) => !expected.skipped.includes(k)));
        expect(trends[chart].rows.length).toBeGreaterThanOrEqual(13);
      }
      if (query.population) expect(trends.fcr.categories).toEqual(["ai_only", "human_only"]);
    });
  }

  it("computeSomeMetrics without percentiles (what the cost page needs) is the same answer with every p50 / p90 null", async () => {
    const q: TMetricsQuery = { group_by: ["channel", "population"] };
    const full = await computeMetrics(q);
    expect(full.segments[0].metrics.first_response_s.p50).not.toBeNull(); // the data has some
    const nulled = JSON.parse(JSON.stringify(full), (k, v) => (k === "p50" || k === "p90" ? null : v));
    expect(await computeSomeMetrics(q, METRIC_KEYS, { percentiles: false })).toEqual(nulled);
    // cached apart: asking without first does not change the full answer
    expect(await computeMetrics(q)).toEqual(full);
  });

  it("is shared between viewers read-only: a mutation throws instead of changing the next view", async () => {
    const req = await resolvePageRequest({});
    const first = await executiveNumbers({}, req);
    const inbound = first.byPopulation.all.metrics.inbound.value;
    expect(() => {
      first.byPopulation.all.metrics.inbound.value = inbound + 1;
    }).toThrow(TypeError);
    expect(() => {
      first.channels.push("fax");
    }).toThrow(TypeError);
    const trends = await executiveTrends({}, req.to);
    expect(() => {
      trends.fcr.rows[0].ai_only = 0.5;
    }).toThrow(TypeError);
    const again = await executiveNumbers({}, req);
    expect(again).toBe(first);
    expect(again.byPopulation.all.metrics.inbound.value).toBe(inbound);
    // the next ingest is a new data version: a new value, not the old one
    await ingestDemoData({ conversations: 20, seed: 10, days: 10, now: NOW });
    const after = await executiveNumbers({}, await resolvePageRequest({}));
    expect(after).not.toBe(first);
    expect(after.byPopulation.all.metrics.inbound.value).toBeGreaterThan(inbound);
  });
});
