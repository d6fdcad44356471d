import { z } from "zod";
import {
  ACTORS,
  CHANNELS,
  DRAFT_OUTCOMES,
  ESCALATION_REASONS,
  EVENT_TYPES,
  OVERRIDE_CAUSES,
  type EventField,
  type EventType,
} from "./vocabulary";
import { parseTimestamp } from "./timestamp";

/**
 * zod schemas for events.md. Input is the JSON shape (CSV cells are converted to JSON types
 * first, see lib/ingest/csv.ts). Fields that belong to another type are ignored, not stored.
 */
const str = (max: number) =>
  z.string({ error: (i) => (i.input === undefined ? "required" : "must be a string") })
    .min(1, { error: "must not be empty" })
    .max(max, { error: `longer than ${max} characters` })
    // PostgreSQL text cannot hold U+0000: reject the event, naming the field, rather than fail the batch
    .refine((v) => !v.includes("\u0000"), { error: "must not contain a NUL character" });
const bool = () => z.boolean({ error: (i) => (i.input === undefined ? "required" : "must be true or false") });
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (i) => (i.input === undefined ? "required" : `must be one of ${values.join(", ")}`),
  });

const timestamp = z.unknown().transform((value, ctx) => {
  const result = parseTimestamp(value);
  if (typeof result === "string") {
    ctx.addIssue({ code: "custom", message: result });
    return z.NEVER;
  }
  return result;
});

export const ZCommonFields = z.object({
  event_id: str(200).optional(),
  conversation_id: str(200),
  type: z.enum(EVENT_TYPES, {
    error: (i) => (i.input === undefined ? "required" : `unknown event type ${JSON.stringify(i.input)}`),
  }),
  at: timestamp,
});

/** Own fields per type, the part that differs between types. */
export const OWN_FIELDS = {
  conversation_started: z.object({
    customer_id: str(200),
    channel: oneOf(CHANNELS),
    topic: str(200).optional(),
    customer_tier: str(50).optional(),
  }),
  customer_message: z.object({}),
  ai_message: z.object({ confident: bool().optional().default(true) }),
  human_message: z.object({ agent_id: str(200).optional() }),
  escalated: z.object({ reason: oneOf(ESCALATION_REASONS), context_transferred: bool() }),
  resolved: z.object({ by: oneOf(ACTORS).optional() }),
  reopened: z.object({}),
  abandoned: z.object({}),
  csat_survey_sent: z.object({}),
  csat_response: z.object({
    score: z
      .number({ error: (i) => (i.input === undefined ? "required" : "must be a whole number from 1 to 5") })
      .int({ error: "must be a whole number from 1 to 5" })
      .min(1, { error: "must be a whole number from 1 to 5" })
      .max(5, { error: "must be a whole number from 1 to 5" }),
  }),
  work_logged: z.object({
    actor: oneOf(ACTORS),
    seconds: z
      .number({ error: (i) => (i.input === undefined ? "required" : "must be a number") })
      .finite({ error: "must be a finite number" })
      .min(0, { error: "must be 0 or more" }),
  }),
  ai_draft: z.object({ outcome: oneOf(DRAFT_OUTCOMES) }),
  qa_review: z.object({
    accurate: bool(),
    policy_compliant: bool().optional(),
    safety_incident: bool().optional(),
  }),
  human_override: z.object({ cause: oneOf(OVERRIDE_CAUSES).optional() }),
} satisfies Record<EventType, z.ZodObject>;

/** A validated event, ready to store: `at` normalised to UTC, only its type's own fields. */
export interface CanonicalEvent {
  event_id?: string;
  conversation_id: string;
  type: EventType;
  at: Date;
  fields: Partial<Record<EventField, string | number | boolean>>;
}

export interface Rejection {
  field: string;
  reason: string;
}

function firstIssue(error: z.ZodError): Rejection {
  const issue = error.issues[0];
  return { field: issue.path.length ? String(issue.path[0]) : "event", reason: issue.message };
}

/** Validate one raw event (a JSON object); absent/undefined values mean the field is absent. */
export function validateEvent(raw: unknown): CanonicalEvent | Rejection {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { field: "event", reason: "must be a JSON object" };
  }
  const input = raw as Record<string, unknown>;
  // null means absent, as an empty CSV cell does.
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (v !== null && v !== undefined) clean[k] = v;
  const common = ZCommonFields.safeParse(clean);
  if (!common.success) return firstIssue(common.error);
  const own = OWN_FIELDS[common.data.type].safeParse(clean);
  if (!own.success) return firstIssue(own.error);
  const fields: CanonicalEvent["fields"] = {};
  for (const [k, v] of Object.entries(own.data)) if (v !== undefined) fields[k as EventField] = v as never;
  return {
    event_id: common.data.event_id,
    conversation_id: common.data.conversation_id,
    type: common.data.type,
    at: common.data.at,
    fields,
  };
}

export function isRejection(x: CanonicalEvent | Rejection): x is Rejection {
  return "reason" in x;
}
