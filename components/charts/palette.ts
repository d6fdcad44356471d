/**
 * Okabe–Ito colours (blue / orange first): distinguishable with the common colour-vision
 * deficiencies. Lines also differ by dash pattern, so no series depends on colour alone.
 */
export const SERIES_COLORS = ["#0072B2", "#D55E00", "#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#000000"];
export const SERIES_DASHES = ["", "6 3", "2 3", "10 3 2 3", "1 2", "8 4", "4 4"];
/** Target band fill (light blue) and reference-line colour. */
export const BAND_FILL = "#0072B2";
export const REFERENCE = "#334155";

export type ValueFormat = "percent" | "duration" | "count" | "money";

export function formatValue(v: number | null | undefined, f: ValueFormat): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "no data";
  switch (f) {
    case "percent":
      return `${(v * 100).toFixed(1)} %`;
    case "duration":
      return v < 60 ? `${v.toFixed(1)} s` : v < 3600 ? `${(v / 60).toFixed(1)} min` : `${(v / 3600).toFixed(1)} h`;
    case "money":
      return v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    default:
      return v.toLocaleString("en-US");
  }
}

export function formatAxis(v: number, f: ValueFormat): string {
  if (f === "percent") return `${Math.round(v * 100)} %`;
  if (f === "duration") return v < 60 ? `${Math.round(v)} s` : v < 3600 ? `${Math.round(v / 60)} min` : `${Math.round((v / 3600) * 10) / 10} h`;
  return formatValue(v, f);
}
