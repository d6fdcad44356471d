/** One place for number formats, so every page shows %, counts and durations alike. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return "no data";
  return `${(value * 100).toFixed(digits)} %`;
}

export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}
