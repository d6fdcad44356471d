/**
 * ISO-8601 timestamps with a UTC offset or Z. A timestamp without an offset is rejected, never
 * guessed (events.md). Sub-millisecond digits are truncated: everything downstream is in ms.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export function parseTimestamp(value: unknown): Date | string {
  if (value === undefined) return "required";
  if (typeof value !== "string") return "must be an ISO-8601 timestamp string";
  const m = ISO.exec(value.trim());
  if (!m) return `not an ISO-8601 timestamp: ${JSON.stringify(value.slice(0, 40))}`;
  const [, y, mo, d, h, mi, s = "0", frac = "", offset] = m;
  if (!offset) return "timestamp has no UTC offset";
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  const ms = Number((frac + "000").slice(0, 3));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return "timestamp out of range";
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  if (date.getUTCDate() !== day) return "timestamp out of range (no such day)";
  const local = date.getTime();
  let offsetMinutes = 0;
  if (offset !== "Z" && offset !== "z") {
    const sign = offset[0] === "-" ? -1 : 1;
    const digits = offset.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 18 || om > 59) return "UTC offset out of range";
    offsetMinutes = sign * (oh * 60 + om);
  }
  return new Date(local - offsetMinutes * 60_000);
}
