import type { SegmentMetrics } from "@/lib/metrics/types";
import { evaluateTarget, type Target, type TargetStatus } from "@/lib/settings/targets";
import { formatDuration, formatPoints } from "./format";

/** A segment, or the part of one a page keeps. */
type SegmentLike = { metrics: Partial<SegmentMetrics> };

/** Read the number a target is about from the segment of its population (or the overall one). No arithmetic. */
export function targetValue(t: Target, segmentFor: (population: string) => SegmentLike | undefined): number | null {
  const seg = segmentFor(t.population ?? "all");
  if (!seg) return null;
  const m = seg.metrics as unknown as Record<string, Record<string, number | null | undefined> | undefined>;
  const metric = m[t.metric];
  if (!metric) return null;
  const v = metric[t.field];
  return typeof v === "number" ? v : null;
}

export function targetStatus(t: Target, segmentFor: (population: string) => SegmentLike | undefined): { status: TargetStatus; value: number | null } {
  const value = targetValue(t, segmentFor);
  return { status: evaluateTarget(t, value), value };
}

const fmtBound = (t: Pick<Target, "unit" | "field">, v: number) =>
  t.unit === "seconds" ? formatDuration(v) : t.field === "gap" ? formatPoints(v, 0) : `${Number((v * 100).toFixed(1))} %`;

/** "≥ 80 %", "< 10 %", "50–70 %", "< 15.0 min", "gap ≥ −5 pts". */
export function describeTarget(t: Pick<Target, "min" | "max" | "unit" | "field">): string {
  if (t.field === "gap" && t.min !== undefined && t.max === undefined) return `AI-only at most ${fmtBound(t, -t.min).replace("+", "")} below human-only`;
  if (t.min !== undefined && t.max !== undefined) {
    if (t.unit === "rate" && t.field !== "gap") return `${Number((t.min * 100).toFixed(1))}–${Number((t.max * 100).toFixed(1))} %`;
    return `${fmtBound(t, t.min)} to ${fmtBound(t, t.max)}`;
  }
  if (t.min !== undefined) return `≥ ${fmtBound(t, t.min)}`;
  if (t.max !== undefined) return `< ${fmtBound(t, t.max)}`;
  return "none";
}

export function findTarget(targets: Target[], id: string): Target | undefined {
  return targets.find((t) => t.id === id);
}
