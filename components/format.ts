/** One place for number formats, so every page shows %, counts and durations alike. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return "no data";
  return `${(value * 100).toFixed(digits)} %`;
}

export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** A 95 % interval of a rate, e.g. "78.1–80.2 %"; null without data. */
export function formatInterval(ci: readonly [number, number] | null | undefined, digits = 1): string | null {
  if (!ci) return null;
  return `${(ci[0] * 100).toFixed(digits)}–${(ci[1] * 100).toFixed(digits)} %`;
}

/** A difference of two rates in percentage points, signed: "+4.2 pts". */
export function formatPoints(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return "no data";
  const pts = value * 100;
  const sign = pts > 0 ? "+" : pts < 0 ? "−" : "±";
  return `${sign}${Math.abs(pts).toFixed(digits)} pts`;
}

/**
 * Durations: seconds below a minute ("2.1 s"), minutes below an hour ("10.7 min"), hours above
 * ("1.5 h"). One decimal everywhere, so values are comparable at a glance.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "no data";
  const s = Math.max(0, seconds);
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Money in the settings' currency units (no currency symbol: the inputs carry none). */
export function formatMoney(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return "no data";
  const sign = value < 0 ? "−" : "";
  return `${sign}${Math.abs(value).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** A p-value as a reader needs it: "p = 0.031", "p < 0.001". */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined) return "no data";
  if (p < 0.001) return "p < 0.001";
  return `p = ${p.toFixed(3)}`;
}

/** Plain-words reading of a two-sided test: p < 0.05 "likely real", else "could be noise". */
export function readPValue(p: number | null | undefined): string {
  if (p === null || p === undefined) return "not enough responses to tell";
  return p < 0.05 ? "likely real" : "could be noise";
}

/** A UTC instant as "2026-03-31 23:59 UTC". */
export function formatInstant(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const d = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A UTC instant with seconds, for event timelines. */
export function formatInstantSeconds(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const d = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** Format one value of a metric by its unit. */
export function formatByUnit(value: number | null | undefined, unit: "rate" | "seconds" | "count" | "money"): string {
  switch (unit) {
    case "rate":
      return formatPercent(value);
    case "seconds":
      return formatDuration(value);
    case "money":
      return formatMoney(value);
    default:
      return value === null || value === undefined ? "no data" : formatCount(value);
  }
}

/** Human label of a population or channel value ("ai_only" → "AI only"). */
export const POPULATION_LABELS: Record<string, string> = {
  all: "All populations",
  ai_only: "AI only",
  ai_escalated: "AI → human",
  human_only: "Human only",
  unhandled: "Unhandled",
};

export const CHANNEL_LABELS: Record<string, string> = {
  all: "All channels",
  chat: "Chat",
  email: "Email",
  voice: "Voice",
  whatsapp: "WhatsApp",
  sms: "SMS",
  social: "Social",
  in_app: "In-app",
};

export function populationLabel(p: string | null | undefined): string {
  if (p === null || p === undefined) return "(none)";
  return POPULATION_LABELS[p] ?? p;
}

export function channelLabel(c: string | null | undefined): string {
  if (c === null || c === undefined) return "(none)";
  return CHANNEL_LABELS[c] ?? c;
}
