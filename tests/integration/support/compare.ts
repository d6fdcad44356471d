import { expect } from "vitest";
import type { MetricsResponse } from "../../../lib/metrics";
import type { RefRequest, RefResponse } from "../../reference/types";

/** RefRequest → the query string parameters the API takes. */
export function toQuery(r: RefRequest): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined) continue;
    q[k] = Array.isArray(v) ? v.join(",") : String(v);
  }
  return q;
}

const key = (s: { channel: unknown; population: unknown; customer_tier?: unknown }) =>
  JSON.stringify([s.channel, s.population, s.customer_tier ?? "-"]);

const PERCENTILE_KEYS = new Set(["p50", "p90"]);

function compareValue(path: string, actual: unknown, expected: unknown, problems: string[]) {
  if (typeof expected === "number" && typeof actual === "number") {
    const last = path.split(".").pop()!;
    const tol = PERCENTILE_KEYS.has(last) ? 0.01 : 1e-6; // spec: percentiles within 1 %
    if (Math.abs(actual - expected) > tol * Math.max(1e-9, Math.abs(expected)) + 1e-9) problems.push(`${path}: ${actual} ≠ ${expected}`);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    expected.forEach((e, i) => compareValue(`${path}[${i}]`, actual[i], e, problems));
    return;
  }
  if (expected && typeof expected === "object" && actual && typeof actual === "object") {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) compareValue(`${path}.${k}`, (actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], problems);
    return;
  }
  if (actual !== expected) problems.push(`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
}

/**
 * Cell by cell: the same segments, every numerator, denominator and pending equal, values to
 * float noise, percentiles within 1 %, nulls where the reference has nulls.
 */
export function expectSameMetrics(actual: MetricsResponse, expected: RefResponse) {
  const problems: string[] = [];
  compareValue("as_of", new Date(actual.as_of).getTime(), new Date(expected.as_of).getTime(), problems);
  compareValue("range", actual.range, expected.range, problems);
  compareValue("windows", actual.windows, expected.windows, problems);
  const a = new Map(actual.segments.map((s) => [key(s), s]));
  const e = new Map(expected.segments.map((s) => [key(s), s]));
  expect([...a.keys()].sort()).toEqual([...e.keys()].sort());
  for (const [k, seg] of e) compareValue(`segment ${k}`, a.get(k)!.metrics, seg.metrics, problems);
  expect(problems).toEqual([]);
}
