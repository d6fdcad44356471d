/** Statistics helpers of the reference: Wilson interval, percentile_cont, two-proportion z-test. */

export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for k successes out of n, z = Z95. null when n = 0.
 * Also null when k > n (only possible for override_rate, whose numerator counts other events
 * than its denominator): the interval is not defined for a "proportion" above 1.
 * The bounds are clamped to [0, 1] (they are inside mathematically; this removes rounding noise).
 */
export function wilson(k: number, n: number): [number, number] | null {
  if (n === 0 || k > n) return null;
  const p = k / n;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (Z95 / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/** Continuous percentile with linear interpolation (numpy default, PostgreSQL percentile_cont). */
export function percentileCont(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function mean(values: number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Complementary error function for x >= 0, to about 1e-14 relative:
 * x < 3: erf by the all-positive series erf(x) = 2/sqrt(pi) e^{-x^2} sum 2^n x^{2n+1} / (1*3*...*(2n+1));
 * x >= 3: the continued fraction erfc(x) = e^{-x^2}/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 3) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  let k = x;
  for (let n = 80; n >= 1; n--) k = x + n / 2 / k;
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * k);
}

/**
 * Two-sided p-value of the two-proportion z-test with pooled proportion (normal approximation):
 * x1 of n1 vs x2 of n2. null when n1 = 0 or n2 = 0; 1 when the pooled standard error is 0.
 */
export function twoProportionPValue(x1: number, n1: number, x2: number, n2: number): number | null {
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  const z = (x1 / n1 - x2 / n2) / se;
  return erfc(Math.abs(z) / Math.SQRT2);
}
