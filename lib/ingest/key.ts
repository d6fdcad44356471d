import { createHash } from "node:crypto";
import type { CanonicalEvent } from "../events/schema";
import { EVENT_FIELDS } from "../events/vocabulary";

/**
 * The idempotency key: the event_id when given; otherwise a hash of everything that identifies
 * the event (conversation, type, instant in UTC ms, and its own fields with defaults applied),
 * so the same event re-sent in another file, offset or key order is recognised as a duplicate.
 */
export function eventKey(e: CanonicalEvent): string {
  if (e.event_id !== undefined) return e.event_id;
  const parts: unknown[] = [e.conversation_id, e.type, e.at.toISOString()];
  for (const f of EVENT_FIELDS) parts.push(e.fields[f] ?? null);
  return "sha256:" + createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}
