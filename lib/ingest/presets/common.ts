import { Readable } from "node:stream";
import { z } from "zod";
import type { EventType } from "../../events/vocabulary";
import { IngestParseError, type Position, type RawRecord } from "../types";
import { isCsvRecord, readCsvRecords } from "../sources/csv-records";

/**
 * Shared machinery of the helpdesk-export presets (docs/presets.md): time-zone-aware timestamp
 * parsing, stable event ids, a header-aware CSV row reader, and the error a row mapper throws to
 * reject its whole row.
 */

/* ------------------------------------------------------------------------------------------ */
/* Row-level rejection                                                                         */
/* ------------------------------------------------------------------------------------------ */

/** Thrown by a row mapper: the row yields this one rejection instead of any event. */
export class RowError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Time zones                                                                                  */
/* ------------------------------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------------------------------ */
/* Mapping helpers                                                                             */
/* ------------------------------------------------------------------------------------------ */

/** `"Web form"`, `"web-form"`, `"WEB_FORM"` → `"web_form"`: how source values and mapping keys are compared. */
export function normKey(s: string): string {
  return s.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

export const zTimeZone = z
  .string()
  .refine(isValidTimeZone, { error: "must be an IANA time zone name such as UTC or Europe/Berlin" })
  .default("UTC");

// Mappings are parsed once per file; their normalised forms are built once per mapping object.
const setCache = new WeakMap<readonly string[], Set<string>>();
const mapCache = new WeakMap<object, Map<string, unknown>>();

/** Lower-cased, trimmed list for case-insensitive membership tests (built once per list). */
export function lowerSet(values: readonly string[]): Set<string> {
  let set = setCache.get(values);
  if (!set) {
    set = new Set(values.map((v) => v.trim().toLowerCase()));
    setCache.set(values, set);
  }
  return set;
}

const normSetCache = new WeakMap<readonly string[], Set<string>>();

/** A list as a set of normKey'd values (built once per list). */
export function normSet(values: readonly string[]): Set<string> {
  let set = normSetCache.get(values);
  if (!set) {
    set = new Set(values.map(normKey));
    normSetCache.set(values, set);
  }
  return set;
}

/**
 * The value of `key` in a mapping table, keys compared after normKey. The last spelling wins, so
 * a user's `"Web form"` overrides the default `web_form` it was merged after.
 */
export function lookup<T>(map: Record<string, T>, key: string): T | undefined {
  let norm = mapCache.get(map) as Map<string, T> | undefined;
  if (!norm) {
    norm = new Map();
    for (const [mk, v] of Object.entries(map)) norm.set(normKey(mk), v);
    mapCache.set(map, norm);
  }
  return norm.get(normKey(key));
}

/** Parse a user-supplied mapping with the preset's schema; an invalid one is a file-level error. */
export function parseMapping<S extends z.ZodType>(schema: S, preset: string, input: unknown): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new IngestParseError(`invalid ${preset} mapping: ${i.path.join(".") || "mapping"}: ${i.message}`);
  }
  return r.data;
}

/* ------------------------------------------------------------------------------------------ */
/* Events                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/** events.md string limits of the own fields a preset fills. */
const LIMITS: Record<string, number> = { customer_id: 200, topic: 200, customer_tier: 50, agent_id: 200 };

/** The events of one source row/object, with stable ids `<preset>:<ticket>:<kind>[:n]`. */
export class EventList {
  readonly events: Record<string, unknown>[] = [];
  readonly conversationId: string;

  constructor(readonly preset: string, readonly ticketId: string) {
    this.conversationId = `${preset}:${ticketId}`;
  }

  /**
   * `n` ≥ 2 is appended as `:n` (the n-th occurrence); a string suffix is appended as is. A value
   * over its events.md length limit rejects the whole row here (`source` names its column), so a
   * row never loads half its events.
   */
  add(type: EventType, at: Date, fields: Record<string, unknown> = {}, n?: number | string, source: Record<string, string> = {}) {
    const suffix = typeof n === "string" ? `:${n}` : n !== undefined && n >= 2 ? `:${n}` : "";
    const eventId = `${this.conversationId}:${type}${suffix}`;
    if (eventId.length > 200) throw new RowError(source.id ?? "id", "id too long: the derived event_id would exceed 200 characters");
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined || v === null || v === "") continue;
      const limit = LIMITS[k];
      if (limit !== undefined && typeof v === "string" && v.length > limit) {
        throw new RowError(source[k] ?? k, `longer than ${limit} characters (${k})`);
      }
      clean[k] = v;
    }
    this.events.push({
      event_id: eventId,
      conversation_id: this.conversationId,
      type,
      at: at.toISOString(),
      ...clean,
    });
  }

  records(pos: Position): RawRecord[] {
    return this.events.map((value) => ({ pos, value }));
  }
}

/** Run a row mapper: its events, or the one rejection it threw. */
export function mapRow(pos: Position, fn: () => EventList): RawRecord[] {
  try {
    return fn().records(pos);
  } catch (e) {
    if (e instanceof RowError) return [{ pos, rejection: { field: e.field, reason: e.reason } }];
    throw e;
  }
}

export const max = (...dates: (Date | undefined)[]): Date | undefined => {
  let best: Date | undefined;
  for (const d of dates) if (d && (!best || d.getTime() > best.getTime())) best = d;
  return best;
};

export const addMs = (d: Date, ms: number) => new Date(d.getTime() + ms);

/* ------------------------------------------------------------------------------------------ */
/* Satisfaction words                                                                          */
/* ------------------------------------------------------------------------------------------ */

/** A whole number 1–5 written as text, else undefined. */
export function scoreFromNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+(\.0+)?$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= 5 ? n : undefined;
}

/* ------------------------------------------------------------------------------------------ */
/* CSV rows                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/** One data row of a preset CSV, with cells looked up by column name (case-insensitive). */
export class CsvRow {
  constructor(
    readonly line: number,
    private readonly cells: string[],
    private readonly columns: Map<string, number>,
    private readonly names: string[],
  ) {}

  /** The trimmed cell of `column`, or undefined when the column is absent or the cell empty. */
  get(column: string): string | undefined {
    const i = this.columns.get(column.toLowerCase());
    if (i === undefined) return undefined;
    const v = (this.cells[i] ?? "").trim();
    return v === "" ? undefined : v;
  }

  /** The column's name as the file's header spells it (for rejections). */
  name(column: string): string {
    const i = this.columns.get(column.toLowerCase());
    return i === undefined ? column : this.names[i];
  }

  has(column: string): boolean {
    return this.columns.has(column.toLowerCase());
  }
}

/** The mapping choices shared by the ticket-export presets (Zendesk, Freshdesk). */
export interface TicketAiRules {
  ai_tags: readonly string[];
  escalation_tags: readonly string[];
  /** agent / assignee names that are the AI */
  ai_agents: readonly string[];
  /** Via / Source values that mean the AI answered */
  ai_channels: readonly string[];
  tier_tags: Record<string, string>;
  topic_from: string;
}

export interface TicketSignals {
  aiInvolved: boolean;
  humanAgent: boolean;
  escalated: boolean;
  tier: string | undefined;
  /** the first tag that is neither an AI, escalation nor tier tag (for topic_from = first_tag) */
  firstPlainTag: string | undefined;
}

/**
 * Who took part in a ticket, from a ticket export's tags, channel and assigned agent: the AI
 * when an AI tag, AI channel or AI agent says so; a human when the agent is not the AI; an
 * escalation when the AI took part and a human agent or an escalation tag followed.
 */
export function ticketSignals(tags: string[], channelValue: string, agent: string | undefined, r: TicketAiRules): TicketSignals {
  const aiTags = lowerSet(r.ai_tags), escTags = lowerSet(r.escalation_tags), aiAgents = lowerSet(r.ai_agents);
  const agentIsAi = agent !== undefined && aiAgents.has(agent.toLowerCase());
  const humanAgent = agent !== undefined && !agentIsAi;
  const aiInvolved = tags.some((t) => aiTags.has(t)) || normSet(r.ai_channels).has(normKey(channelValue)) || agentIsAi;
  const escalated = aiInvolved && (humanAgent || tags.some((t) => escTags.has(t)));
  let tier: string | undefined;
  for (const t of tags) if ((tier = lookup(r.tier_tags, t)) !== undefined) break;
  const firstPlainTag = tags.find((t) => !aiTags.has(t) && !escTags.has(t) && lookup(r.tier_tags, t) === undefined);
  return { aiInvolved, humanAgent, escalated, tier, firstPlainTag };
}

/**
 * The replies a ticket export implies. The AI is assumed to answer first, at the first reply
 * time; when the human took over is not in the export, so the handoff is dated at the AI's
 * reply and no human_message is invented (escalation wait stays unknown rather than made up).
 * A human-only ticket gets its human reply at the first reply time or the best later time.
 */
export function addTicketReplies(
  ev: EventList,
  s: Pick<TicketSignals, "aiInvolved" | "escalated">,
  humanReplied: boolean,
  created: Date,
  firstReplyAt: Date | undefined,
  humanFallbackAt: Date | undefined,
  agentId: string | undefined,
  cols: Record<string, string>,
) {
  if (s.aiInvolved) {
    const aiAt = firstReplyAt ?? created;
    ev.add("ai_message", aiAt);
    if (s.escalated) ev.add("escalated", aiAt, { reason: "other", context_transferred: false });
  } else if (humanReplied) {
    ev.add("human_message", firstReplyAt ?? humanFallbackAt ?? created, { agent_id: agentId }, undefined, cols);
  }
}

export interface CsvHeaderRules {
  preset: string;
  /** every one of these must be in the header */
  required: string[];
  /** at least one column of each group must be in the header */
  oneOf?: string[][];
}

/**
 * A helpdesk CSV export: header row (names matched case-insensitively, unknown columns ignored,
 * the first of duplicated names wins), UTF-8 with or without BOM, LF or CRLF, RFC 4180 quoting
 * with newlines inside quotes. A row that cannot be read is one rejection with its line.
 */
export async function* readPresetCsv(input: Readable, rules: CsvHeaderRules): AsyncGenerator<CsvRow | RawRecord> {
  let columns: Map<string, number> | null = null;
  let names: string[] = [];
  for await (const item of readCsvRecords(input)) {
    if (!isCsvRecord(item)) {
      yield item;
      continue;
    }
    const { line, cells: record } = item;
    if (!columns) {
      names = record.map((h) => h.trim());
      columns = new Map();
      names.forEach((n, i) => {
        if (!columns!.has(n.toLowerCase())) columns!.set(n.toLowerCase(), i);
      });
      const missing = rules.required.filter((r) => !columns!.has(r.toLowerCase()));
      if (missing.length) {
        throw new IngestParseError(`${rules.preset} export lacks required column(s): ${missing.join(", ")}`, { line });
      }
      for (const group of rules.oneOf ?? []) {
        if (!group.some((g) => columns!.has(g.toLowerCase()))) {
          throw new IngestParseError(`${rules.preset} export needs one of the columns: ${group.join(", ")}`, { line });
        }
      }
      continue;
    }
    if (record.length > names.length && record.slice(names.length).some((c) => c.trim() !== "")) {
      yield { pos: { line }, rejection: { field: "row", reason: `expected ${names.length} cells, found ${record.length}` } };
      continue;
    }
    yield new CsvRow(line, record, columns, names);
  }
  if (!columns) throw new IngestParseError(`${rules.preset} export is empty: expected a header row`);
}

/* ------------------------------------------------------------------------------------------ */
/* Streams                                                                                     */
/* ------------------------------------------------------------------------------------------ */

/**
 * Look at the start of a byte stream without consuming it: `head` is at least `bytes` long
 * (or the whole input), `stream` replays everything from the first byte (after a UTF-8 BOM,
 * when `stripBom`).
 */
export async function peekStream(input: Readable, bytes = 4096, stripBom = false): Promise<{ head: string; stream: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const buffered: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const chunk = typeof r.value === "string" ? Buffer.from(r.value, "utf8") : Buffer.from(r.value);
    buffered.push(chunk);
    size += chunk.length;
  }
  let first = Buffer.concat(buffered);
  if (stripBom && first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) first = first.subarray(3);
  const head = first.toString("utf8");
  async function* replay() {
    if (first.length) yield first;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield typeof r.value === "string" ? Buffer.from(r.value, "utf8") : Buffer.from(r.value);
    }
  }
  return { head, stream: Readable.from(replay(), { objectMode: false }) };
}
