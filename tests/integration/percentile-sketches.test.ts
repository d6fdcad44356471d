import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/pool";
import { generateDemoEvents } from "../../lib/demo/generate";
import { eraseCustomer } from "../../lib/maintenance/erase";
import { verifyDerived } from "../../lib/maintenance/verify";
import { computeMetrics, type MetricsResponse } from "../../lib/metrics";
import type { TMetricsQuery } from "../../lib/metrics/request";
import { DISTRIBUTIONS } from "../../lib/metrics/definitions";
import { MAX_PARTS, SMALL_SHARE } from "../../lib/rollups/sketch-parts";
import { closeConnections, freshDatabase } from "./support/db";
import { ingestJson } from "./support/ingest";

/**
 * p50 / p90 of a large slice come from the rollup's sketches plus the live tail's rows
 * (lib/metrics/percentiles.ts): within 1 % of the exact percentile_cont, everything else equal.
 * METRICS_EXACT_PERCENTILES_UP_TO=0 sends every covered request through the sketches.
 */
type Ev = Record<string, unknown> & { conversation_id: string; type: string; at: string };
const NOW = new Date("2026-06-01T00:00:00Z");

beforeAll(async () => {
  process.env.METRICS_CACHE = "0";
  await freshDatabase();
  const demo = [...generateDemoEvents({ conversations: 600, seed: 5, days: 40, now: NOW })] as unknown as Ev[];
  const ordered = [...demo].sort((a, b) => a.at.localeCompare(b.at));
  // in three parts, so the sketches are built by folding changes in, not by one rebuild
  for (let i = 0; i < 3; i++) await ingestJson(ordered.slice((i * ordered.length) / 3, ((i + 1) * ordered.length) / 3));
});
afterAll(async () => {
  delete process.env.METRICS_CACHE;
  delete process.env.METRICS_EXACT_PERCENTILES_UP_TO;
  await closeConnections();
});

async function viaSketches<T>(fn: () => Promise<T>): Promise<T> {
  process.env.METRICS_EXACT_PERCENTILES_UP_TO = "0";
  try {
    return await fn();
  } finally {
    delete process.env.METRICS_EXACT_PERCENTILES_UP_TO;
  }
}

/** Every percentile of `approx` against `exact`: how many differ, and the largest relative error; the rest must be equal. */
function comparePercentiles(approx: MetricsResponse, exact: MetricsResponse) {
  let differing = 0;
  let compared = 0;
  let worst = 0;
  expect(approx.segments.length).toBe(exact.segments.length);
  approx.segments.forEach((segment, s) => {
    const want = exact.segments[s];
    const strip = (m: MetricsResponse["segments"][number]) =>
      JSON.parse(JSON.stringify(m, (k, v) => (k === "p50" || k === "p90" ? undefined : v)));
    expect(strip(segment)).toEqual(strip(want));
    for (const key of Object.keys(DISTRIBUTIONS) as (keyof typeof DISTRIBUTIONS)[]) {
      for (const p of ["p50", "p90"] as const) {
        const a = segment.metrics[key][p];
        const e = want.metrics[key][p];
        if (e === null || a === null) {
          expect(a).toBe(e);
          continue;
        }
        compared++;
        if (a !== e) differing++;
        worst = Math.max(worst, e === 0 ? Math.abs(a) : Math.abs(a - e) / e);
      }
    }
  });
  return { compared, differing, worst };
}

describe("percentiles through the sketches", () => {
  it("are within 1 % of the exact ones, for every grouping and filter the sketches hold", async () => {
    const queries: TMetricsQuery[] = [
      { from: "2026-04-20", to: "2026-05-31" },
      { from: "2026-04-20", to: "2026-05-31", group_by: ["channel", "population"] },
      { from: "2026-05-01", to: "2026-05-20", group_by: ["population"], channel: ["chat", "email"] },
      { from: "2026-05-25", to: "2026-05-31", population: ["ai_escalated"] },
    ];
    let compared = 0;
    let differing = 0;
    for (const q of queries) {
      const exact = await computeMetrics(q);
      const r = comparePercentiles(await viaSketches(() => computeMetrics(q)), exact);
      expect(r.worst).toBeLessThanOrEqual(0.01);
      compared += r.compared;
      differing += r.differing;
    }
    // the sketches really answered: most values are a bucket's read-back, not the exact one
    expect(compared).toBeGreaterThan(50);
    expect(differing).toBeGreaterThan(compared / 2);
  });

  it("are exact by tier and topic, which the sketches do not hold", async () => {
    const queries: TMetricsQuery[] = [
      { from: "2026-04-20", to: "2026-05-31", topic: ["billing"] },
      { from: "2026-04-20", to: "2026-05-31", group_by: ["customer_tier"] },
      { from: "2026-04-20", to: "2026-05-31", customer_tier: ["standard"] },
    ];
    for (const q of queries) {
      const r = comparePercentiles(await viaSketches(() => computeMetrics(q)), await computeMetrics(q));
      expect(r.compared).toBeGreaterThan(0);
      expect(r.differing).toBe(0);
    }
  });

  it("hold every conversation that had ended at the horizon, its windows closed or not", async () => {
    const holds = async () => {
      const { rows } = await pool().query<{ sketched: number; ended: number; closed: number }>(`
        SELECT (SELECT coalesce(sum(n), 0)::int FROM conversation_rollup_sketches, unnest(counts) n WHERE distribution = 0) AS sketched,
          count(*) FILTER (WHERE c.ended_at <= st.horizon)::int AS ended,
          count(*) FILTER (WHERE c.ended_at + make_interval(hours => greatest(st.recontact_hours, st.verification_hours)) <= st.horizon)::int AS closed
        FROM conversations c, rollup_state st WHERE c.started_at IS NOT NULL AND c.first_response_s IS NOT NULL`);
      return rows[0];
    };
    const before = await holds();
    expect(before.sketched).toBe(before.ended);
    // not only the closed ones: the last days' conversations are in the sketches already
    expect(before.ended).toBeGreaterThan(before.closed + 20);

    // a late event on a conversation that has ended but whose windows are open: folded in, horizon unchanged
    const { rows } = await pool().query<{ conversation_id: string; at: Date }>(`
      SELECT c.conversation_id, c.started_at AS at FROM conversations c, rollup_state st
      WHERE c.ended_at <= st.horizon AND c.ended_at > st.horizon - interval '24 hours' AND c.first_response_s > 5
      ORDER BY c.ended_at LIMIT 1`);
    await ingestJson([
      { event_id: "sk-open", conversation_id: rows[0].conversation_id, type: "human_message", at: new Date(rows[0].at.getTime() + 1000).toISOString(), agent_id: "a-2" },
    ]);
    expect(await verifyDerived()).toMatchObject({ rollupRowsDiffering: 0, mismatched: [] });
    expect((await holds()).sketched).toBe(before.sketched);
    const q: TMetricsQuery = { from: "2026-05-20", to: "2026-05-31", group_by: ["channel"] };
    const r = comparePercentiles(await viaSketches(() => computeMetrics(q)), await computeMetrics(q));
    expect(r.worst).toBeLessThanOrEqual(0.01);
    expect(r.differing).toBeGreaterThan(0);
  });

  it("are kept equal to a rebuild through late events and erasure, and emptied by TRUNCATE", async () => {
    expect(await verifyDerived()).toMatchObject({ rollupRowsDiffering: 0, mismatched: [] });
    const { rows } = await pool().query<{ conversation_id: string; customer_id: string; at: Date }>(
      "SELECT conversation_id, customer_id, started_at AS at FROM conversations WHERE started_at < '2026-05-01' AND first_response_s IS NOT NULL ORDER BY started_at LIMIT 2",
    );
    // a human answer before the first one: the old conversation's first response moves buckets
    await ingestJson([
      { event_id: "sk-late", conversation_id: rows[0].conversation_id, type: "human_message", at: new Date(rows[0].at.getTime() + 1500).toISOString(), agent_id: "a-1" },
    ]);
    expect(await verifyDerived()).toMatchObject({ rollupRowsDiffering: 0, mismatched: [] });
    await eraseCustomer(rows[1].customer_id);
    expect(await verifyDerived()).toMatchObject({ rollupRowsDiffering: 0 });

    await pool().query("UPDATE conversation_rollup_sketches SET counts[1] = counts[1] + 1 WHERE id = (SELECT min(id) FROM conversation_rollup_sketches)");
    expect((await verifyDerived()).rollupRowsDiffering).toBe(2); // the tampered row, and the rebuilt one it lacks

    await pool().query("TRUNCATE events, conversations");
    const { rows: left } = await pool().query("SELECT count(*)::int AS n FROM conversation_rollup_sketches");
    expect(left[0].n).toBe(0);
  });
});

describe("sketch parts (lib/rollups/sketch-parts.ts)", () => {
  const DAY = Date.parse("2026-05-02T08:00:00Z");
  const iso = (ms: number) => new Date(ms).toISOString();
  /** n human-only conversations of one day and channel, their first responses 5 % apart: n buckets (a bucket is 2 % wide). */
  const segment = (channel: string, n: number) =>
    Array.from({ length: n }, (_, i) => {
      const id = `${channel}-${i}`;
      const at = DAY + i * 60_000;
      return [
        { event_id: `${id}-s`, conversation_id: id, type: "conversation_started", at: iso(at), customer_id: `c-${id}`, channel },
        { event_id: `${id}-h`, conversation_id: id, type: "human_message", at: iso(at + Math.round(10_000 * 1.05 ** i)), agent_id: "a-1" },
      ];
    }).flat();
  /** A human answer 1 s after the start of conversation i: its first response moves to another bucket (-1 / +1 pair). */
  const earlierAnswer = (channel: string, i: number) => ({
    event_id: `${channel}-${i}-early`, conversation_id: `${channel}-${i}`, type: "human_message", at: iso(DAY + i * 60_000 + 1000), agent_id: "a-2",
  });
  const parts = async () => {
    const { rows } = await pool().query<{ channel: string; parts: number }>(`
      SELECT channel, count(*)::int AS parts FROM conversation_rollup_sketches
      WHERE day = '2026-05-02' AND population = 'human_only' AND distribution = 0 GROUP BY channel`);
    return Object.fromEntries(rows.map((r) => [r.channel, r.parts]));
  };

  it("append a small change as a part, and compact a segment's parts past a quarter of its largest or past MAX_PARTS", async () => {
    expect(MAX_PARTS).toBe(8);
    expect(SMALL_SHARE).toBe(4);
    await pool().query("TRUNCATE events, conversations");
    // chat: 80 buckets, so its small parts (2 pairs each) reach MAX_PARTS before a quarter of 80;
    // email: 20 buckets, so its small parts outgrow a quarter of them after 3 changes
    const later = { event_id: "later", conversation_id: "later", type: "conversation_started", at: "2026-05-10T00:00:00Z", customer_id: "c-later", channel: "chat" };
    await ingestJson([...segment("chat", 80), ...segment("email", 20), later]);
    expect(await parts()).toEqual({ chat: 1, email: 1 });

    const seen: Record<string, number>[] = [];
    for (let k = 0; k < 8; k++) {
      await ingestJson([earlierAnswer("chat", k), earlierAnswer("email", k)]);
      seen.push(await parts());
      // the parts always add up to what a rebuild stores, and the percentiles read them so
      expect(await verifyDerived()).toMatchObject({ rollupRowsDiffering: 0, mismatched: [] });
      const q: TMetricsQuery = { from: "2026-05-02", to: "2026-05-02", group_by: ["channel"] };
      const r = comparePercentiles(await viaSketches(() => computeMetrics(q)), await computeMetrics(q));
      expect(r.compared).toBeGreaterThan(0);
      expect(r.worst).toBeLessThanOrEqual(0.01);
    }
    // chat: one more part per change until the 9th part (> MAX_PARTS) compacts them
    expect(seen.map((s) => s.chat)).toEqual([2, 3, 4, 5, 6, 7, 8, 1]);
    // email: 4 × (2 small parts × 2 pairs) ≤ 20, 4 × (3 × 2) > 20 compacts at the 3rd change. A moved
    // conversation empties its old bucket and the moved ones share one: 18 buckets then, and
    // 4 × (3 × 2) > 18 compacts at the 6th; 15 buckets then, and 4 × (2 × 2) > 15 at the 8th
    expect(seen.map((s) => s.email)).toEqual([2, 3, 1, 2, 3, 1, 2, 1]);
  });

  it("keep an erasure as a part, and drop a segment whose parts cancel out", async () => {
    const q: TMetricsQuery = { from: "2026-05-02", to: "2026-05-02", group_by: ["channel"] };
    const before = await parts();
    for (let i = 0; i < 20; i++) {
      await eraseCustomer(`c-email-${i}`);
      if (i === 0) expect((await parts()).email).toBe(before.email + 1); // one -1 pair: a small part
      expect(await verifyDerived()).toMatchObject({ rollupRowsDiffering: 0, mismatched: [] });
    }
    // every pair of the parts is cancelled by another part's, so they outgrow a quarter of the
    // largest and compact into nothing
    expect(await parts()).toEqual({ chat: before.chat });
    const viaParts = await viaSketches(() => computeMetrics(q));
    comparePercentiles(viaParts, await computeMetrics(q));
    expect(viaParts.segments.map((s) => s.channel)).toEqual(["all", "chat"]);
  });
});
