/** Small statistics over counts that PostgreSQL returns (no per-conversation data here). */
const Z95 = 1.959963984540054;

/** Wilson score interval: well-behaved at small n and at 0 % / 100 %, unlike the normal one. */
export function wilson(numerator: number, denominator: number): [number, number] | null {
  // event-level ratios such as overrides per AI message can exceed 1: no binomial interval then
  if (denominator <= 0 || numerator > denominator) return null;
  const n = denominator;
  const p = numerator / n;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/**
 * Upper tail of the standard normal, 1 − Φ(x), for x ≥ 0: the Taylor series of Φ near the
 * centre (x < 5, where it converges fast and cancellation stays below 1e-15 absolute) and
 * Laplace's continued fraction in the tail. Precise to ~1e-15, so p-values are reproducible.
 */
export function normalUpperTail(x: number): number {
  if (x < 0) return 1 - normalUpperTail(-x);
  const density = Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
  if (x < 5) {
    // Φ(x) − 1/2 = φ(x) · Σ x^(2n+1) / (1·3·5···(2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 500 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (x * x) / (2 * n + 1);
      sum += term;
    }
    return 0.5 - density * sum;
  }
  // 1 − Φ(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))), evaluated from the inside out
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / f;
  return density / f;
}

/** Two-sided p-value of the two-proportion z-test with pooled proportion; null without data. */
export function twoProportionPValue(x1: number, n1: number, x2: number, n2: number): number | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return 1;
  const z = (x1 / n1 - x2 / n2) / se;
  return Math.min(1, 2 * normalUpperTail(Math.abs(z)));
}
