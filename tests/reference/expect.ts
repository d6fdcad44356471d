/**
 * Fixture shape and a matcher that checks a metrics response (the reference's, or the API's JSON)
 * against a hand-worked fixture. Only the fields listed in `expected` are compared.
 */
import type { RawEvent, RefRequest, RefSettings } from "./types";

export interface ExpectedSegment {
  channel: string | null;
  population: string | null;
  /** Present only when grouped by customer_tier. */
  customer_tier?: string | null;
  /** metric key -> the fields to check (e.g. {numerator, denominator, value, pending}). */
  metrics: Record<string, Record<string, unknown>>;
}

export interface Fixture {
  name: string;
  events: RawEvent[];
  request: RefRequest;
  settings?: Partial<RefSettings>;
  expected: {
    as_of?: string;
    range?: { from: string; to: string };
    segments: ExpectedSegment[];
  };
}

interface SegmentLike {
  channel?: unknown;
  population?: unknown;
  customer_tier?: unknown;
  metrics: Record<string, Record<string, unknown>>;
}
interface ResponseLike {
  as_of?: unknown;
  range?: unknown;
  segments: SegmentLike[];
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function same(actual: unknown, expected: unknown): boolean {
  if (typeof expected === "number") return typeof actual === "number" && close(actual, expected);
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => same(actual[i], x))
    );
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).every(([k, v]) => same(a[k], v));
  }
  return actual === expected;
}

/** Mismatches between a response and a fixture's expectations (empty = pass). */
export function matchExpected(res: unknown, expected: Fixture["expected"]): string[] {
  const response = res as ResponseLike;
  const problems: string[] = [];
  if (expected.as_of !== undefined && !same(response.as_of, expected.as_of)) {
    problems.push(`as_of: got ${JSON.stringify(response.as_of)}, want ${expected.as_of}`);
  }
  if (expected.range !== undefined && !same(response.range, expected.range)) {
    problems.push(`range: got ${JSON.stringify(response.range)}, want ${JSON.stringify(expected.range)}`);
  }
  for (const seg of expected.segments) {
    const label = JSON.stringify({ channel: seg.channel, population: seg.population, customer_tier: seg.customer_tier });
    const found = response.segments.filter(
      (s) =>
        s.channel === seg.channel &&
        s.population === seg.population &&
        (seg.customer_tier === undefined ? s.customer_tier === undefined : s.customer_tier === seg.customer_tier),
    );
    if (found.length !== 1) {
      problems.push(`segment ${label}: found ${found.length} matching segments`);
      continue;
    }
    for (const [key, fields] of Object.entries(seg.metrics)) {
      const metric = found[0].metrics[key];
      if (metric === undefined) {
        problems.push(`segment ${label}: metric ${key} missing`);
        continue;
      }
      for (const [field, want] of Object.entries(fields)) {
        if (!same(metric[field], want)) {
          problems.push(`segment ${label}: ${key}.${field}: got ${JSON.stringify(metric[field])}, want ${JSON.stringify(want)}`);
        }
      }
    }
  }
  return problems;
}
