import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/pool";
import { prisma, runInBackground } from "../../lib/db/prisma";
import { filterOptions } from "../../lib/data-quality";
import { generateDemoEvents } from "../../lib/demo/generate";
import { eraseCustomer } from "../../lib/maintenance/erase";
import { verifyDerived } from "../../lib/maintenance/verify";
import { computeMetrics, computeSomeMetrics, METRIC_KEYS, parseQuery, resolveMetricsRequest, ZMetricsQuery, type MetricKey, type SegmentMetrics } from "../../lib/metrics";
import { RATE_KEYS } from "../../lib/metrics/definitions";
import { computeTimeseriesSet, type SeriesRequest } from "../../lib/metrics/timeseries";
import { refreshRollupsNow } from "../../lib/rollups/refresh";
import { inSnapshot, rollupCoverage } from "../../lib/rollups/source";
import { ROLLUP_LAYOUT } from "../../lib/rollups/state";
import { arbScenario } from "../reference/arbitraries";
import { referenceMetrics } from "../reference/metrics";
import { closeConnections, freshDatabase } from "./support/db";
import { ingestJson } from "./support/ingest";
import { expectSameMetrics, toQuery } from "./support/compare";

/**
 * The rollup (lib/rollups) must never change an answer: the same requests give the same
 * numbers through the rollup + live tail as over the rows alone, and the stored rollup always
 * equals a rebuild from the conversations, whatever wrote to them.
 */
beforeAll(async () => {
  process.env.METRICS_CACHE = "0"; // the two paths below must both compute, not share a cached answer
  await freshDatabase();
});
afterEach(() => {
  delete process.env.METRICS_ROLLUPS;
  delete process.env.METRICS_EXACT_PERCENTILES_UP_TO;
});
afterAll(async () => {
  delete process.env.METRICS_CACHE;
  await closeConnections();
});

async function withoutRollups<T>(fn: () => Promise<T>): Promise<T> {
  process.env.METRICS_ROLLUPS = "0";
  try {
    return await fn();
  } finally {
    delete process.env.METRICS_ROLLUPS;
  }
}

/** How many conversations the stored rollup holds (its `inbound` item summed). */
async function rolledUpConversations(): Promise<number> {
  const inbound = ROLLUP_LAYOUT.find((l) => l.item.alias === "inbound")!;
  const { rows } = await pool().query(`SELECT coalesce(sum(${inbound.column}[${inbound.index}]), 0)::int AS n FROM conversation_rollups`);
  return rows[0].n;
}

const pick = (m: SegmentMetrics, keys: readonly MetricKey[]) => Object.fromEntries(keys.map((k) => [k, m[k]]));

const ALL_SERIES: SeriesRequest[] = [
  ...RATE_KEYS.map((metric) => ({ metric })),
  { metric: "fcr_rate", population: "ai_only" },
  { metric: "csat", population: "human_only" },
  { metric: "recontact_rate", population: "ai_escalated" },
];

describe("answers through the rollup", () => {
  it("equal the reference and the rows-only answers, on random event sets and requests", async () => {
    let covered = 0;
    await fc.assert(
      fc.asyncProperty(arbScenario(), fc.subarray(METRIC_KEYS, { minLength: 1 }), async ({ events, request }, some) => {
        await pool().query("TRUNCATE events, conversations, imports, settings RESTART IDENTITY");
        const cut = Math.floor(events.length / 2);
        await ingestJson(events.slice(0, cut));
        await ingestJson(events.slice(Math.max(0, cut - 3)));
        // liveTail (lib/rollups/source.ts) finds the unrolled conversations by ended_at alone
        const { rows: unended } = await pool().query("SELECT count(*)::int AS n FROM conversations WHERE started_at IS NOT NULL AND ended_at IS NULL");
        expect(unended[0].n).toBe(0);
        const q = parseQuery(ZMetricsQuery, toQuery(request));
        const coverage = await rollupCoverage(prisma(), await resolveMetricsRequest(q));
        if (coverage && (await rolledUpConversations()) > 0) covered++;

        const viaRollup = await computeMetrics(q);
        const reference = referenceMetrics(events, request);
        expectSameMetrics(viaRollup, reference);
        expect(viaRollup).toEqual(await withoutRollups(() => computeMetrics(q)));
        // a page asking for a few metrics aggregates only their inputs: the same numbers, no others
        const picked = { ...viaRollup, segments: viaRollup.segments.map((seg) => ({ ...seg, metrics: pick(seg.metrics, some) })) };
        expect(await computeSomeMetrics(q, some)).toEqual(picked);
        expect(await withoutRollups(() => computeSomeMetrics(q, some))).toEqual(picked);
        // p50 / p90 from the sketches (lib/metrics/percentiles.ts), whatever the slice's size
        process.env.METRICS_EXACT_PERCENTILES_UP_TO = "0";
        expectSameMetrics(await computeMetrics(q), reference);
        delete process.env.METRICS_EXACT_PERCENTILES_UP_TO;

        expect(await filterOptions()).toEqual(await withoutRollups(() => filterOptions()));

        const { group_by: _, ...tq } = q;
        const series = await computeTimeseriesSet({ ...tq, interval: "day" }, ALL_SERIES);
        expect(series).toEqual(await withoutRollups(() => computeTimeseriesSet({ ...tq, interval: "day" }, ALL_SERIES)));

        // time moves on: one event days later closes the rest, whose days the horizon step recomputes
        if (events.length === 0) return;
        const last = Math.max(...events.map((e) => Date.parse(String(e.at))));
        await ingestJson([{ event_id: "zz-later", conversation_id: "zz-later", type: "conversation_started", at: new Date(last + 9 * 86_400_000).toISOString(), customer_id: "zz", channel: "chat" }]);
        expect(await computeMetrics(q)).toEqual(await withoutRollups(() => computeMetrics(q)));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS || 60) },
    );
    // the property is only worth something if the rollup really answered part of many requests
    expect(covered).toBeGreaterThan(5);
  }, 300_000);
});

describe("filter options through the rollup", () => {
  it("list the tiers and topics of rolled-up conversations and of the live tail alike", async () => {
    await pool().query("TRUNCATE events, conversations, imports, settings RESTART IDENTITY");
    const start = (id: string, at: string, tier: string, topic: string) => ({
      event_id: id, conversation_id: id, type: "conversation_started", at, customer_id: `cust-${id}`, channel: "chat", customer_tier: tier, topic,
    });
    await ingestJson([
      start("old", "2026-03-01T10:00:00Z", "closed-tier", "closed-topic"),
      start("new", "2026-05-31T10:00:00Z", "open-tier", "open-topic"),
      { event_id: "late", conversation_id: "unstarted", type: "customer_message", at: "2026-05-31T11:00:00Z" },
    ]);
    // the old one is in the rollup, the new one only in the rows (its windows are open)
    expect(await rolledUpConversations()).toBe(1);
    expect(await filterOptions()).toEqual({ customerTiers: ["closed-tier", "open-tier"], topics: ["closed-topic", "open-topic"] });
    expect(await withoutRollups(() => filterOptions())).toEqual(await filterOptions());
    // an erased customer's tier is gone from the menus with its rolled-up row
    await eraseCustomer("cust-old");
    expect(await filterOptions()).toEqual({ customerTiers: ["open-tier"], topics: ["open-topic"] });
  });

  it("keep a count per value for every conversation ended at the horizon, and read the last hour's from the rows", async () => {
    await pool().query("TRUNCATE events, conversations, imports, settings RESTART IDENTITY");
    const start = (id: string, at: string, tier: string, topic: string, customer = `cust-${id}`) => ({
      event_id: id, conversation_id: id, type: "conversation_started", at, customer_id: customer, channel: "chat", customer_tier: tier, topic,
    });
    await ingestJson([
      start("old", "2026-03-01T10:00:00Z", "gold", "billing"),
      // ended at the horizon (the latest event) with its windows still open: counted here, not in the counts
      start("open", "2026-05-31T10:00:00Z", "gold", "login", "cust-open"),
      start("open-2", "2026-05-31T11:00:00Z", "silver", "login", "cust-open"),
    ]);
    expect(await rolledUpConversations()).toBe(1);
    expect(await storedValues()).toEqual(["customer_tier gold 2", "customer_tier silver 1", "topic billing 1", "topic login 2"]);
    // half an hour later: the horizon stays (it moves in steps of an hour), so this one is only in the rows
    await ingestJson([start("tail", "2026-05-31T11:30:00Z", "platinum", "refund")]);
    expect(await storedValues()).not.toContain("customer_tier platinum 1");
    const all = { customerTiers: ["gold", "platinum", "silver"], topics: ["billing", "login", "refund"] };
    expect(await filterOptions()).toEqual(all);
    expect(await withoutRollups(() => filterOptions())).toEqual(all);
    // a value leaves the table with its last conversation, and a shared one is decremented
    await eraseCustomer("cust-open");
    expect(await storedValues()).toEqual(["customer_tier gold 1", "topic billing 1"]);
    expect(await filterOptions()).toEqual({ customerTiers: ["gold", "platinum"], topics: ["billing", "refund"] });
    expect((await verifyDerived()).rollupRowsDiffering).toBe(0);
    await pool().query("UPDATE conversation_rollup_values SET conversations = conversations + 1 WHERE value = 'gold'");
    expect((await verifyDerived()).rollupRowsDiffering).toBe(2);
  });
});

async function storedValues(): Promise<string[]> {
  const { rows } = await pool().query("SELECT dimension, value, conversations FROM conversation_rollup_values ORDER BY 1, 2");
  return rows.map((r) => `${r.dimension} ${r.value} ${r.conversations}`);
}

type Ev = Record<string, unknown> & { conversation_id: string; type: string; at: string };
const NOW = new Date("2026-06-01T00:00:00Z");

describe("the stored rollup", () => {
  it("equals a rebuild after ingests, late events, re-contacts, erasure and a window change", async () => {
    await freshDatabase();
    const demo = [...generateDemoEvents({ conversations: 400, seed: 21, days: 30, now: NOW })] as unknown as Ev[];
    const ordered = [...demo].sort((a, b) => a.at.localeCompare(b.at));
    // arrival in time order, in four parts: the horizon moves forward part by part
    for (let i = 0; i < 4; i++) await ingestJson(ordered.slice((i * ordered.length) / 4, ((i + 1) * ordered.length) / 4));
    expect(await rolledUpConversations()).toBeGreaterThan(100);
    expect(await verifyDerived()).toMatchObject({ rollupRowsDiffering: 0, mismatched: [] });

    // a late event on an old, closed conversation, and a re-contact that changes an old
    // conversation's next_contact_at (its verified flag) without touching its events
    const old = ordered.find((e) => e.type === "conversation_started" && e.at < "2026-05-10")!;
    await ingestJson([
      { event_id: "late-1", conversation_id: old.conversation_id, type: "reopened", at: old.at.replace(/:\d\d(\.\d+)?Z$/, ":59Z") },
      {
        event_id: "late-2", conversation_id: "recontact-1", type: "conversation_started", at: new Date(Date.parse(old.at) + 3_600_000).toISOString(),
        customer_id: old.customer_id, channel: "email", topic: old.topic,
      },
    ]);
    expect(await verifyDerived()).toMatchObject({ rollupRowsDiffering: 0, mismatched: [] });

    await eraseCustomer(String(old.customer_id));
    expect(await verifyDerived()).toMatchObject({ rollupRowsDiffering: 0 });

    // new windows: the rollup is not used for them until rebuilt (as the settings page does
    // after saving, or the next ingest), then answers still equal the rows-only ones
    await pool().query(`INSERT INTO settings (key, value) VALUES ('verification_hours', '24'), ('recontact_hours', '12')`);
    const after = await resolveMetricsRequest({ from: "2026-05-01", to: "2026-05-31" });
    expect(await rollupCoverage(prisma(), after)).toBeNull();
    await refreshRollupsNow();
    expect(await rollupCoverage(prisma(), after)).not.toBeNull();
    const { rows } = await pool().query("SELECT recontact_hours, verification_hours FROM rollup_state");
    expect(rows[0]).toEqual({ recontact_hours: 12, verification_hours: 24 });
    await ingestJson([{ event_id: "after-settings", conversation_id: "n-1", type: "conversation_started", at: "2026-05-31T23:00:00Z", customer_id: "c-new", channel: "chat" }]);
    expect(await verifyDerived()).toMatchObject({ rollupRowsDiffering: 0 });
    const q = { from: "2026-05-01", to: "2026-05-31", group_by: ["channel", "population"] as ("channel" | "population")[] };
    expect(await rollupCoverage(prisma(), await resolveMetricsRequest(q))).not.toBeNull();
    expect(await computeMetrics(q)).toEqual(await withoutRollups(() => computeMetrics(q)));
  });

  it("verify names rollup rows that no longer match the conversations", async () => {
    await pool().query("UPDATE conversation_rollups SET counts[1] = counts[1] + 1 WHERE id = (SELECT min(id) FROM conversation_rollups)");
    expect((await verifyDerived()).rollupRowsDiffering).toBe(2); // the tampered row, and the rebuilt one it lacks
  });

  it("is not used where it cannot answer: an earlier as_of, other windows, changes not folded in", async () => {
    const base = await resolveMetricsRequest({ from: "2026-05-01", to: "2026-05-31" });
    expect(await rollupCoverage(prisma(), base)).not.toBeNull();
    expect(await rollupCoverage(prisma(), { ...base, asOf: new Date(base.asOf.getTime() - 86_400_000) })).toBeNull();
    expect(await rollupCoverage(prisma(), { ...base, recontactHours: base.recontactHours + 1 })).toBeNull();
    // a write outside the ingest path leaves its change recorded until the next refresh
    await pool().query(
      "UPDATE conversations SET csat_score = 5 WHERE conversation_id = (SELECT conversation_id FROM conversations WHERE started_at < '2026-05-10' LIMIT 1)",
    );
    expect(await rollupCoverage(prisma(), base)).toBeNull();
  });

  it("plans its reads without parallel workers unless read alone in the foreground, rows-only reads with them, for that transaction only", async () => {
    await refreshRollupsNow(); // the test before left a change waiting
    const base = await resolveMetricsRequest({ from: "2026-05-01", to: "2026-05-31" });
    const workersAfter = (req: typeof base, options?: { parallelWorkers: boolean }) =>
      inSnapshot(async (db) => {
        const coverage = await rollupCoverage(db, req, options);
        const rows = await db.$queryRaw<{ workers: string }[]>`SELECT current_setting('max_parallel_workers_per_gather') AS workers`;
        return { covered: coverage !== null, workers: rows[0].workers };
      });
    const { rows } = await pool().query("SELECT current_setting('max_parallel_workers_per_gather') AS workers");
    const standing = rows[0].workers as string;
    expect(standing).not.toBe("0");
    expect(await workersAfter(base)).toEqual({ covered: true, workers: "0" });
    // other windows: the rows alone answer, with workers, in the next transaction
    // (pg's pool hands out the connection released last, so a session-wide setting would show here)
    expect(await workersAfter({ ...base, recontactHours: base.recontactHours + 1 })).toEqual({ covered: false, workers: standing });
    // the API and the CLI read alone: workers kept, but never for a refresh behind the viewers
    expect(await workersAfter(base, { parallelWorkers: true })).toEqual({ covered: true, workers: standing });
    expect(await runInBackground(() => workersAfter(base, { parallelWorkers: true }))).toEqual({ covered: true, workers: "0" });
  });

  it("is emptied with the conversations by TRUNCATE", async () => {
    await pool().query("TRUNCATE events, conversations");
    const { rows } = await pool().query(
      "SELECT (SELECT count(*)::int FROM conversation_rollups) AS rollups, (SELECT horizon FROM rollup_state) AS horizon",
    );
    expect(rows[0]).toEqual({ rollups: 0, horizon: null });
  });
});
