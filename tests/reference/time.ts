/** Timestamp and date helpers of the reference (own code, not lib/events/timestamp). */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;

/** ISO-8601 with offset or Z -> UTC epoch milliseconds (sub-millisecond digits truncated). */
export function parseIsoMs(value: string): number {
  const m = ISO.exec(value.trim());
  if (!m) throw new Error(`reference: not an ISO timestamp with offset: ${value}`);
  const [, y, mo, d, h, mi, s = "0", frac = "", offset] = m;
  const ms = Number((frac + "000").slice(0, 3));
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  let offsetMinutes = 0;
  if (offset !== "Z" && offset !== "z") {
    const sign = offset[0] === "-" ? -1 : 1;
    const digits = offset.slice(1).replace(":", "");
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2, 4)) : 0));
  }
  return local - offsetMinutes * 60_000;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** UTC date (YYYY-MM-DD) of an epoch-ms instant. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch ms of YYYY-MM-DD 00:00Z. */
export function dateStartMs(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`reference: not a date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

export function addDays(date: string, days: number): string {
  return utcDate(dateStartMs(date) + days * DAY_MS);
}

export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}
