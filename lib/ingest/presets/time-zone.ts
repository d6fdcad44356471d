/**
 * Time zones of helpdesk exports: wall-clock timestamps in an IANA zone to UTC, DST gaps and
 * overlaps included (docs/presets.md), and the zod field for a preset's `timezone` option.
 */
import { z } from "zod";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's UTC offset in ms at instant `t` (local wall clock = t + offset). */
export function zoneOffsetMs(timeZone: string, t: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second"));
  return wall - Math.floor(t / 1000) * 1000;
}

const DAY = 86_400_000;

/**
 * The instant at which the wall clock of `timeZone` shows `wall` (given as if it were UTC ms).
 * Ambiguous wall times (the repeated hour when clocks go back) resolve to the EARLIER instant;
 * non-existent ones (the skipped hour when clocks go forward) are read with the offset in force
 * before the jump, i.e. moved forward by the gap — the "compatible" rule of Temporal and RFC 5545.
 */
export function wallTimeToUtc(wall: number, timeZone: string): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return wall;
  // Zone transitions fall on quarter hours of wall time, so every wall time of one quarter hour
  // gets the same offset: computed once per (zone, quarter hour), which keeps big exports fast.
  const key = `${timeZone}|${Math.floor(wall / QUARTER_HOUR)}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return wall - cached;
  const utc = wallTimeToUtcUncached(wall - (wall % QUARTER_HOUR + QUARTER_HOUR) % QUARTER_HOUR, timeZone);
  const offset = wall - (wall % QUARTER_HOUR + QUARTER_HOUR) % QUARTER_HOUR - utc;
  if (offsetCache.size >= 100_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return wall - offset;
}

const QUARTER_HOUR = 900_000;
const offsetCache = new Map<string, number>();

function wallTimeToUtcUncached(wall: number, timeZone: string): number {
  const before = zoneOffsetMs(timeZone, wall - DAY);
  const after = zoneOffsetMs(timeZone, wall + DAY);
  const candidates = [...new Set([before, after])]
    .map((o) => wall - o)
    .filter((t) => t + zoneOffsetMs(timeZone, t) === wall);
  if (candidates.length) return Math.min(...candidates);
  return wall - before;
}

const STAMP =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * A timestamp as helpdesk exports write it: `YYYY-MM-DD HH:MM[:SS[.fff]]` (also `T` and `/`),
 * with an offset (`Z`, `UTC`, `+01:00`, `+0100`, `+01`) used as given, or without one, read as
 * wall-clock time in `timeZone` (the mapping's IANA zone). Anything else is an error message, never
 * a guess (day/month order, 12-hour clocks and date-only values are refused).
 */
export function parseExportTimestamp(text: string, timeZone: string): Date | string {
  const m = STAMP.exec(text.trim());
  if (!m) return `not a date-time this preset can read (expected YYYY-MM-DD HH:MM[:SS], optionally with an offset): ${JSON.stringify(text.slice(0, 40))}`;
  const [, y, mo, d, h, mi, s = "0", frac = "", offset] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  const ms = Number((frac + "000").slice(0, 3));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return `date-time out of range: ${JSON.stringify(text)}`;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(wall).getUTCDate() !== day) return `no such day: ${JSON.stringify(text)}`;
  if (!offset) return new Date(wallTimeToUtc(wall, timeZone));
  if (/^(z|utc|gmt)$/i.test(offset)) return new Date(wall);
  const sign = offset[0] === "-" ? -1 : 1;
  const digits = offset.slice(1).replace(":", "");
  const oh = Number(digits.slice(0, 2));
  const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (oh > 18 || om > 59) return `UTC offset out of range: ${JSON.stringify(text)}`;
  return new Date(wall - sign * (oh * 60 + om) * 60_000);
}

export const zTimeZone = z
  .string()
  .refine(isValidTimeZone, { error: "must be an IANA time zone name such as UTC or Europe/Berlin" })
  .default("UTC");
