import {
  ACTORS,
  CHANNELS,
  DRAFT_OUTCOMES,
  ESCALATION_REASONS,
  EVENT_FIELDS,
  EVENT_TYPES,
  OVERRIDE_CAUSES,
  type EventField,
  type EventType,
} from "../../events/vocabulary";
import type { CanonicalEvent } from "../../events/schema";
import { eventKey } from "../key";

/**
 * The fast path of canonical CSV: a row already in the plain form our own exports and most
 * generators write (UTC timestamps with milliseconds, `true`/`false`, digits, no escapes, no
 * formula guard) goes straight to its staging line, skipping the JSON object, zod and the
 * CanonicalEvent — the per-row work that dominated a 1 M-event ingest. Anything else returns
 * null and takes the general path (cell conversion + validateEvent), which alone decides
 * rejections and their messages. tests/unit/fast-row.test.ts holds the two paths to the same
 * staging line for every row the fast path accepts.
 */
type Check = (v: string) => string | null; // the staging cell, or null = not plain, use the general path
type OwnSpec = { check: Check; required: boolean; fallback?: string };

const MAX = { id: 200, tier: 50 };
// no NUL, tab, newline, CR or backslash (COPY escapes), no formula guard to undo, within the limit
const plain = (max: number): Check => (v) => {
  if (v.length > max || v.charCodeAt(0) === 39 /* ' */) return null;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0 || c === 9 || c === 10 || c === 13 || c === 92) return null;
  }
  return v;
};
const oneOf = (values: readonly string[]): Check => {
  const set = new Set(values);
  return (v) => (set.has(v) ? v : null);
};
const bool: Check = (v) => (v === "true" || v === "false" ? v : null);
const score: Check = (v) => (v.length === 1 && v >= "1" && v <= "5" ? v : null);
const SECONDS = /^\d{1,12}(?:\.\d{1,6})?$/;
const seconds: Check = (v) => (SECONDS.test(v) ? String(Number(v)) : null);

const req = (check: Check): OwnSpec => ({ check, required: true });
const opt = (check: Check, fallback?: string): OwnSpec => ({ check, required: false, fallback });

const OWN: Record<EventType, Partial<Record<EventField, OwnSpec>>> = {
  conversation_started: {
    customer_id: req(plain(MAX.id)),
    channel: req(oneOf(CHANNELS)),
    topic: opt(plain(MAX.id)),
    customer_tier: opt(plain(MAX.tier)),
  },
  customer_message: {},
  ai_message: { confident: opt(bool, "true") },
  human_message: { agent_id: opt(plain(MAX.id)) },
  escalated: { reason: req(oneOf(ESCALATION_REASONS)), context_transferred: req(bool) },
  resolved: { by: opt(oneOf(ACTORS)) },
  reopened: {},
  abandoned: {},
  csat_survey_sent: {},
  csat_response: { score: req(score) },
  work_logged: { actor: req(oneOf(ACTORS)), seconds: req(seconds) },
  ai_draft: { outcome: req(oneOf(DRAFT_OUTCOMES)) },
  qa_review: { accurate: req(bool), policy_compliant: opt(bool), safety_incident: opt(bool) },
  human_override: { cause: opt(oneOf(OVERRIDE_CAUSES)) },
};

const UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const checkId = plain(MAX.id);
/** Per type, the spec of each EVENT_FIELDS position (null: not its own field, not stored). */
const SPECS = new Map<string, (OwnSpec | null)[]>(
  EVENT_TYPES.map((t) => [t, EVENT_FIELDS.map((f) => OWN[t][f] ?? null)]),
);

const digits = (s: string, from: number, to: number) => {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
};

/** `at` in exactly the form toISOString() writes, naming an instant that exists (no Feb 30, no 24:00). */
function plainInstant(at: string): boolean {
  if (at.length !== 24 || !UTC_MS.test(at)) return false;
  const year = digits(at, 0, 4), month = digits(at, 5, 7), day = digits(at, 8, 10);
  if (month < 1 || month > 12 || day < 1 || digits(at, 11, 13) > 23 || digits(at, 14, 16) > 59 || digits(at, 17, 19) > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days && year > 0;
}

const BOOLEAN_FIELDS = new Set<EventField>(["confident", "context_transferred", "accurate", "policy_compliant", "safety_incident"]);

/** Typed value of a staging cell, for the derived idempotency key of events without event_id. */
function typed(field: EventField, cell: string): string | number | boolean {
  if (BOOLEAN_FIELDS.has(field)) return cell === "true";
  if (field === "score" || field === "seconds") return Number(cell);
  return cell;
}

/** Compile the fast path for one CSV header; returns (cells) => staging line without seq, or null. */
export function compileFastRow(header: readonly string[]): (cells: string[]) => string | null {
  const col = (name: string) => header.indexOf(name);
  const iEventId = col("event_id"), iConv = col("conversation_id"), iType = col("type"), iAt = col("at");
  const fieldCol = EVENT_FIELDS.map((f) => col(f));

  return (cells) => {
    const eventId = iEventId >= 0 ? cells[iEventId] : "";
    if (eventId !== "" && checkId(eventId) === null) return null;
    const conv = cells[iConv];
    if (conv === "" || checkId(conv) === null) return null;
    const type = cells[iType];
    const specs = SPECS.get(type);
    if (specs === undefined) return null;
    const at = cells[iAt];
    if (!plainInstant(at)) return null;

    let tail = "";
    const fields: CanonicalEvent["fields"] | undefined = eventId === "" ? {} : undefined;
    for (let f = 0; f < specs.length; f++) {
      const spec = specs[f];
      if (spec === null) {
        tail += "\t\\N";
        continue;
      }
      const i = fieldCol[f];
      const raw = i >= 0 ? cells[i] : "";
      let staged: string | null;
      if (raw === "") {
        if (spec.required) return null;
        staged = spec.fallback ?? null;
        if (staged === null) {
          tail += "\t\\N";
          continue;
        }
      } else {
        staged = spec.check(raw);
        if (staged === null) return null;
      }
      tail += "\t" + staged;
      if (fields) fields[EVENT_FIELDS[f]] = typed(EVENT_FIELDS[f], staged);
    }
    const key = fields ? eventKey({ conversation_id: conv, type: type as EventType, at: new Date(at), fields }) : eventId;
    return key + "\t" + (eventId === "" ? "\\N" : eventId) + "\t" + conv + "\t" + type + "\t" + at + tail;
  };
}
