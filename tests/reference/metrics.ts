/**
 * Test-only reference implementation of GET /api/v1/metrics (metrics.md §2–3), written directly
 * from the spec with plain loops. Shares no code with lib/. See derive.ts for the dedup key and
 * the tie-break rules.
 *
 * Choices where the spec is silent:
 * - default as_of = latest `at` of all distinct events (orphans included); with no events at all
 *   the request must give as_of (throws otherwise).
 * - from/to default independently: from = date(as_of) - 27 days, to = date(as_of).
 * - an empty filter list means "no filter".
 * - as_of only decides window_closed; recontacted uses every conversation, even those started
 *   after as_of, and conversations started after as_of but inside [from, to] are in the slice.
 * - override_rate may have numerator > denominator; its ci95 is then null (Wilson undefined).
 * - estimated_savings is null when inbound is 0 (blended cost undefined) or no baseline is set.
 */
import {
  DEFAULT_RECONTACT_HOURS,
  DEFAULT_SETTINGS,
  DEFAULT_VERIFICATION_HOURS,
  type GroupDim,
  type RawEvent,
  type RefDistribution,
  type RefDistributionWithMean,
  type RefMetrics,
  type RefRate,
  type RefRequest,
  type RefResponse,
  type RefSegment,
  type RefSettings,
} from "./types";
import { deriveAll, recontacted, verifiedResolved, windowClosed, type Conv, type Population } from "./derive";
import { mean, percentileCont, twoProportionPValue, wilson } from "./stats";
import { addDays, DAY_MS, dateStartMs, isoMs, parseIsoMs, utcDate } from "./time";

export { referenceConversations, type ConversationRow } from "./derive";
export type * from "./types";

function rate(numerator: number, denominator: number, pending?: number): RefRate {
  const r: RefRate = {
    numerator,
    denominator,
    value: denominator === 0 ? null : numerator / denominator,
    ci95: wilson(numerator, denominator),
  };
  if (pending !== undefined) r.pending = pending;
  return r;
}

function dist(values: number[]): RefDistribution {
  return { n: values.length, p50: percentileCont(values, 0.5), p90: percentileCont(values, 0.9) };
}

function distWithMean(values: number[]): RefDistributionWithMean {
  return { ...dist(values), mean: mean(values) };
}

/** Per-conversation facts that depend on the request (windows, as_of), computed once. */
interface Row {
  c: Conv;
  closedR: boolean; // window_closed(recontact_hours)
  closedV: boolean; // window_closed(verification_hours)
  recontactedR: boolean; // recontacted(recontact_hours)
  verified: boolean; // verified_resolved, with recontacted(verification_hours)
}

function conversationCost(c: Conv, s: RefSettings): number {
  let cost = 0;
  if (c.ai_involved) cost += s.ai_cost_per_conversation;
  if (c.human_involved) {
    cost += c.human_handle_s > 0 ? (c.human_handle_s / 3600) * s.human_cost_per_hour : s.human_cost_per_contact_fallback;
  }
  return cost;
}

function count(rows: Row[], pred: (r: Row) => boolean): number {
  let n = 0;
  for (const r of rows) if (pred(r)) n++;
  return n;
}

function sumCounts(rows: Row[], key: keyof Conv["counts"]): number {
  let n = 0;
  for (const r of rows) n += r.c.counts[key];
  return n;
}

function segmentMetrics(rows: Row[], s: RefSettings): RefMetrics {
  const inbound = rows.length;
  const pop = (r: Row, p: Population) => r.c.population === p;
  const aiOnly = count(rows, (r) => pop(r, "ai_only"));
  const aiEsc = count(rows, (r) => pop(r, "ai_escalated"));

  // window-dependent
  const closedV = count(rows, (r) => r.closedV);
  const deflection = rate(
    count(rows, (r) => r.closedV && pop(r, "ai_only") && r.verified && r.c.resolved_by === "ai"),
    closedV,
    inbound - closedV,
  );
  const verified = rate(count(rows, (r) => r.closedV && r.verified), closedV, inbound - closedV);
  const closedR = count(rows, (r) => r.closedR);
  const recontact = rate(count(rows, (r) => r.closedR && r.recontactedR), closedR, inbound - closedR);
  const fcr = rate(
    count(rows, (r) => r.closedV && r.c.resolved && r.verified),
    count(rows, (r) => r.closedV && r.c.resolved),
    count(rows, (r) => !r.closedV && r.c.resolved),
  );
  const ris = rate(
    count(rows, (r) => r.closedV && pop(r, "ai_escalated") && r.verified),
    count(rows, (r) => r.closedV && pop(r, "ai_escalated")),
    count(rows, (r) => !r.closedV && pop(r, "ai_escalated")),
  );

  const ctx = rate(count(rows, (r) => pop(r, "ai_escalated") && r.c.context_transferred === true), aiEsc);
  const responded = count(rows, (r) => r.c.csat_score !== null);

  // csat gap
  const csatOf = (p: Population) => {
    const n = count(rows, (r) => pop(r, p) && r.c.csat_score !== null);
    const x = count(rows, (r) => pop(r, p) && r.c.csat_score !== null && r.c.csat_score >= 4);
    return { x, n, value: n === 0 ? null : x / n };
  };
  const a = csatOf("ai_only");
  const h = csatOf("human_only");

  // cost
  let total = 0;
  for (const r of rows) total += conversationCost(r.c, s);
  const costOf = (p: Population): number | null => {
    let sum = 0;
    let n = 0;
    for (const r of rows) {
      if (!pop(r, p)) continue;
      sum += conversationCost(r.c, s);
      n++;
    }
    return n === 0 ? null : sum / n;
  };
  const cpc = inbound === 0 ? null : total / inbound;

  const values = (f: (c: Conv) => number | null, positiveOnly = false) => {
    const out: number[] = [];
    for (const r of rows) {
      const v = f(r.c);
      if (v === null) continue;
      if (positiveOnly && !(v > 0)) continue;
      out.push(v);
    }
    return out;
  };

  return {
    inbound: { value: inbound },
    containment_rate: rate(aiOnly, inbound),
    deflection_rate: deflection,
    ai_involvement_rate: rate(aiOnly + aiEsc, inbound),
    resolution_rate: rate(count(rows, (r) => r.c.resolved), inbound),
    verified_resolution_rate: verified,
    recontact_rate: recontact,
    fcr_rate: fcr,
    escalation_rate: rate(aiEsc, aiOnly + aiEsc),
    context_transfer_rate: ctx,
    resolved_in_session_rate: ris,
    escalation_quality: {
      value: ctx.value === null || ris.value === null ? null : ctx.value * ris.value,
      context_transfer_rate: ctx.value,
      resolved_in_session_rate: ris.value,
    },
    csat: rate(count(rows, (r) => r.c.csat_score !== null && r.c.csat_score >= 4), responded),
    csat_response_rate: rate(responded, inbound),
    unanswered_rate: rate(sumCounts(rows, "unconfident_ai_messages"), sumCounts(rows, "ai_messages")),
    low_confidence_escalation_share: rate(
      count(rows, (r) => r.c.escalation_reason === "low_confidence"),
      count(rows, (r) => r.c.escalated_at !== null),
    ),
    draft_rejection_rate: rate(sumCounts(rows, "rejected_or_edited_drafts"), sumCounts(rows, "ai_drafts")),
    hallucination_rate: rate(sumCounts(rows, "inaccurate_reviews"), sumCounts(rows, "qa_reviews")),
    policy_compliance_rate: rate(sumCounts(rows, "policy_compliant_reviews"), sumCounts(rows, "policy_set_reviews")),
    safety_incident_rate: rate(sumCounts(rows, "safety_incident_reviews"), sumCounts(rows, "qa_reviews")),
    override_rate: rate(sumCounts(rows, "human_overrides"), sumCounts(rows, "ai_messages")),
    first_response_s: dist(values((c) => c.first_response_s)),
    escalation_wait_s: dist(values((c) => c.escalation_wait_s)),
    ai_handle_s: distWithMean(values((c) => c.ai_handle_s, true)),
    human_handle_s: distWithMean(values((c) => c.human_handle_s, true)),
    csat_gap: {
      ai_only: a.value,
      human_only: h.value,
      gap: a.value === null || h.value === null ? null : a.value - h.value,
      p_value: twoProportionPValue(a.x, a.n, h.x, h.n),
    },
    cost_per_contact: {
      value: cpc,
      by_population: {
        ai_only: costOf("ai_only"),
        ai_escalated: costOf("ai_escalated"),
        human_only: costOf("human_only"),
        unhandled: costOf("unhandled"),
      },
    },
    estimated_savings: {
      value: s.baseline_cost_per_contact === null || cpc === null ? null : (s.baseline_cost_per_contact - cpc) * inbound,
    },
  };
}

const DIM_ORDER: GroupDim[] = ["channel", "population", "customer_tier"];

function dimValue(c: Conv, d: GroupDim): string | null {
  if (d === "channel") return c.channel;
  if (d === "population") return c.population;
  return c.customer_tier;
}

function matches(list: string[] | undefined, v: string | null): boolean {
  if (list === undefined || list.length === 0) return true;
  return v !== null && list.includes(v);
}

export function referenceMetrics(events: RawEvent[], request: RefRequest, settings?: Partial<RefSettings>): RefResponse {
  const s: RefSettings = { ...DEFAULT_SETTINGS, ...(settings ?? {}) };
  const { convs, distinct } = deriveAll(events);
  const rh = request.recontact_hours ?? DEFAULT_RECONTACT_HOURS;
  const vh = request.verification_hours ?? DEFAULT_VERIFICATION_HOURS;

  let asOfMs: number;
  if (request.as_of !== undefined) asOfMs = parseIsoMs(request.as_of);
  else {
    if (distinct.length === 0) throw new Error("reference: no events and no as_of");
    asOfMs = distinct[0].atMs;
    for (const e of distinct) if (e.atMs > asOfMs) asOfMs = e.atMs;
  }
  const to = request.to ?? utcDate(asOfMs);
  const from = request.from ?? addDays(utcDate(asOfMs), -27);
  const fromMs = dateStartMs(from);
  const toExclusiveMs = dateStartMs(to) + DAY_MS;

  // the slice (§2)
  const slice: Row[] = [];
  for (const c of convs) {
    if (!c.has_start) continue;
    if (!(c.started_at! >= fromMs && c.started_at! < toExclusiveMs)) continue;
    if (!matches(request.channel, c.channel)) continue;
    if (!matches(request.population, c.population)) continue;
    if (!matches(request.customer_tier, c.customer_tier)) continue;
    if (!matches(request.topic, c.topic)) continue;
    slice.push({
      c,
      closedR: windowClosed(c, rh, asOfMs),
      closedV: windowClosed(c, vh, asOfMs),
      recontactedR: recontacted(c, convs, rh),
      verified: verifiedResolved(c, convs, vh),
    });
  }

  // segments: CUBE over the grouped dimensions; the all-"all" total always exists
  const grouped = DIM_ORDER.filter((d) => (request.group_by ?? []).includes(d));
  const segments: RefSegment[] = [];
  for (let mask = 0; mask < 1 << grouped.length; mask++) {
    const dims = grouped.filter((_, i) => (mask & (1 << i)) !== 0);
    const groups = new Map<string, { values: (string | null)[]; rows: Row[] }>();
    for (const r of slice) {
      const values = dims.map((d) => dimValue(r.c, d));
      const key = JSON.stringify(values);
      const g = groups.get(key);
      if (g) g.rows.push(r);
      else groups.set(key, { values, rows: [r] });
    }
    if (dims.length === 0 && groups.size === 0) groups.set("[]", { values: [], rows: [] });
    for (const g of groups.values()) {
      const seg: RefSegment = { channel: "all", population: "all", metrics: segmentMetrics(g.rows, s) };
      if (grouped.includes("customer_tier")) seg.customer_tier = "all";
      dims.forEach((d, i) => {
        seg[d] = g.values[i];
      });
      // keep a stable key order: channel, population, customer_tier, metrics
      const ordered: RefSegment = { channel: seg.channel, population: seg.population, metrics: seg.metrics };
      if (seg.customer_tier !== undefined) {
        ordered.customer_tier = seg.customer_tier;
        delete (ordered as Partial<RefSegment>).metrics;
        ordered.metrics = seg.metrics;
      }
      segments.push(ordered);
    }
  }

  return {
    as_of: isoMs(asOfMs),
    range: { from, to },
    windows: { recontact_hours: rh, verification_hours: vh },
    segments,
  };
}

/** Find the segment with exactly these dimension values (customer_tier undefined = not grouped). */
export function findSegment(
  res: RefResponse,
  key: { channel: string | null; population: string | null; customer_tier?: string | null },
): RefSegment | undefined {
  return res.segments.find(
    (s) => s.channel === key.channel && s.population === key.population && s.customer_tier === key.customer_tier,
  );
}
