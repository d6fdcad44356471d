import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/pool";
import { computeMetrics, parseQuery, ZMetricsQuery } from "../../lib/metrics";
import { matchExpected } from "../reference/expect";
import { FIXTURES } from "../reference/fixtures";
import { arbScenario } from "../reference/arbitraries";
import { referenceMetrics } from "../reference/metrics";
import { DEFAULT_METRIC_SETTINGS } from "../../lib/settings";
import { closeConnections, freshDatabase } from "./support/db";
import { ingestJson } from "./support/ingest";
import { expectSameMetrics, toQuery } from "./support/compare";

beforeAll(async () => {
  await freshDatabase();
});
afterAll(closeConnections);

async function reset(settings: Record<string, unknown> = {}) {
  await pool().query("TRUNCATE events, conversations, imports, settings RESTART IDENTITY");
  for (const [k, v] of Object.entries(settings)) {
    await pool().query("INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)", [k, JSON.stringify(v)]);
  }
}

describe("SQL metrics equal the independent reference", () => {
  it("on random messy event sets and random requests", async () => {
    await fc.assert(
      fc.asyncProperty(arbScenario(), async ({ events, request }) => {
        await reset();
        // events arrive in the generated order, in two batches (a replay of part of it included)
        const cut = Math.floor(events.length / 2);
        await ingestJson(events.slice(0, cut));
        await ingestJson(events.slice(Math.max(0, cut - 3)));
        const actual = await computeMetrics(parseQuery(ZMetricsQuery, toQuery(request)));
        expectSameMetrics(actual, referenceMetrics(events, request));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS || 60) },
    );
  });
});

describe("hand-worked fixtures, one per metric family", () => {
  for (const fixture of FIXTURES) {
    it(fixture.name, async () => {
      await reset({ ...DEFAULT_METRIC_SETTINGS, ...fixture.settings });
      await ingestJson(fixture.events);
      const actual = await computeMetrics(parseQuery(ZMetricsQuery, toQuery(fixture.request)));
      expect(matchExpected(actual, fixture.expected)).toEqual([]);
    });
  }
});
