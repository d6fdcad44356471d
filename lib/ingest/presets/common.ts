import { z } from "zod";
import type { EventType } from "../../events/vocabulary";
import { IngestParseError, type Position, type RawRecord } from "../types";

/**
 * Shared machinery of the helpdesk-export presets (docs/presets.md): the error a row mapper throws
 * to reject its whole row, mapping-table lookups, and the events of one row with stable ids.
 * Beside it: time zones (`time-zone.ts`), CSV rows and stream peeking (`preset-csv.ts`), and what
 * the ticket exports share (`tickets.ts`).
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
/* Mapping helpers                                                                             */
/* ------------------------------------------------------------------------------------------ */

/** `"Web form"`, `"web-form"`, `"WEB_FORM"` → `"web_form"`: how source values and mapping keys are compared. */
export function normKey(s: string): string {
  return s.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

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
