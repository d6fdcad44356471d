import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketValue, GAMMA, interpolate, orderStatistics, RELATIVE_ERROR, ZERO_BUCKET } from "../../lib/rollups/sketch";
import { percentileCont } from "../reference/stats";

/** The bucket of a value, as lib/rollups/sketch.ts bucketOf() computes it in SQL. */
const bucketOf = (v: number) => (v <= 0 ? ZERO_BUCKET : Math.ceil(Math.log(v) / Math.log(GAMMA)));

/** percentile_cont read from a sketch of `values`, the way lib/metrics/percentiles.ts does it. */
function sketchPercentile(values: number[], p: number): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(bucketOf(v), (counts.get(bucketOf(v)) ?? 0) + 1);
  const buckets = [...counts.keys()].sort((a, b) => a - b);
  const { i, j } = orderStatistics(p, values.length);
  const bucketAt = (rank: number) => {
    let upto = 0;
    for (const b of buckets) if ((upto += counts.get(b)!) > rank) return b;
    throw new Error("rank past the end");
  };
  return interpolate(p, values.length, bucketAt(i), bucketAt(j));
}

// durations as they come: 0, milliseconds, seconds, days; and values on and next to bucket edges
const duration = fc.oneof(
  fc.constant(0),
  fc.double({ min: 0.001, max: 10_000_000, noNaN: true }),
  fc.integer({ min: -400, max: 800 }).map((k) => GAMMA ** k),
  fc.integer({ min: -400, max: 800 }).map((k) => GAMMA ** k * (1 + 1e-12)),
  fc.integer({ min: 0, max: 3600 }),
);

describe("percentile sketches", () => {
  it("bound the relative error under the spec's 1 %", () => {
    expect(RELATIVE_ERROR).toBeLessThan(0.01);
  });

  it("read every value of a bucket back within the bound, 0 exactly", () => {
    expect(bucketValue(bucketOf(0))).toBe(0);
    fc.assert(
      fc.property(duration, (v) => {
        expect(Math.abs(bucketValue(bucketOf(v)) - v)).toBeLessThanOrEqual(RELATIVE_ERROR * v * (1 + 1e-9));
      }),
      { numRuns: 5000 },
    );
  });

  it("give percentile_cont within 1 % of the exact value, interpolation included", () => {
    fc.assert(
      fc.property(fc.array(duration, { minLength: 1, maxLength: 60 }), fc.constantFrom(0.5, 0.9, 0.25, 0.99), (values, p) => {
        const exact = percentileCont(values, p)!;
        const approx = sketchPercentile(values, p);
        expect(Math.abs(approx - exact)).toBeLessThanOrEqual(0.01 * exact);
      }),
      { numRuns: 3000 },
    );
  });

  it("find the order statistics percentile_cont interpolates between", () => {
    expect(orderStatistics(0.5, 1)).toEqual({ i: 0, j: 0, fraction: 0 });
    expect(orderStatistics(0.5, 4)).toEqual({ i: 1, j: 2, fraction: 0.5 });
    expect(orderStatistics(0.9, 11)).toEqual({ i: 9, j: 9, fraction: 0 });
    const { i, j, fraction } = orderStatistics(0.9, 3);
    expect([i, j]).toEqual([1, 2]);
    expect(fraction).toBeCloseTo(0.8, 12);
    // two values in different buckets: the answer lies between their read-backs, not at either
    expect(interpolate(0.5, 2, bucketOf(10), bucketOf(20))).toBeCloseTo((bucketValue(bucketOf(10)) + bucketValue(bucketOf(20))) / 2, 9);
  });
});
