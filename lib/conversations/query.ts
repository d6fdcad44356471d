import { z } from "zod";
import { prisma } from "../db/prisma";
import { Prisma } from "../generated/prisma/client";
import { getMetricSettings } from "../settings";
import { latestEventAt } from "../metrics/as-of";
import { RATE_DEFINITIONS, RATE_KEYS, rateRowCondition, type RateDefinition, type RateKey } from "../metrics/definitions";
import { resolveRequest, ZMetricsQuery, type MetricsRequest } from "../metrics/request";
import { sliceTable } from "../metrics/slice";

const sql = Prisma.sql;

/** Every derived field of a conversation plus the request-dependent flags, in export order. */
export const CONVERSATION_COLUMNS = [
  "conversation_id", "started_at", "ended_at", "customer_id", "channel", "population", "topic", "customer_tier",
  "ai_involved", "human_involved", "resolved", "resolved_by", "reopened", "next_contact_at", "recontacted",
  "verified_resolved", "window_closed", "first_response_s", "human_first_response_s", "escalated_at",
  "escalation_reason", "context_transferred", "escalation_wait_s", "ai_handle_s", "human_handle_s", "csat_score",
  "surveyed", "ai_messages", "ai_unconfident_messages", "drafts", "drafts_rejected_or_edited", "qa_reviews",
  "qa_inaccurate", "qa_policy_set", "qa_policy_compliant", "qa_safety_incidents", "overrides", "events", "start_conflicts",
] as const;
export type ConversationColumn = (typeof CONVERSATION_COLUMNS)[number];
export type ConversationRow = Record<ConversationColumn, string | number | boolean | Date | null>;

export const SORTABLE = ["started_at", "ended_at", "first_response_s", "escalation_wait_s", "csat_score", "human_handle_s", "ai_handle_s", "conversation_id"] as const;

/** The metrics filters plus: which metric's conversations, which side of it, order and page. */
export const ZConversationListQuery = ZMetricsQuery.omit({ group_by: true }).extend({
  metric: z.enum(RATE_KEYS as [RateKey, ...RateKey[]], { error: "must be a rate key" }).optional(),
  side: z.enum(["numerator", "denominator", "pending"], { error: "must be numerator, denominator or pending" }).optional(),
  sort: z.enum(SORTABLE, { error: `must be one of ${SORTABLE.join(", ")}` }).optional(),
  dir: z.enum(["asc", "desc"], { error: "must be asc or desc" }).optional(),
  page: z.string().regex(/^\d+$/, { error: "must be a page number" }).transform(Number).pipe(z.number().int().min(1)).optional(),
  page_size: z.string().regex(/^\d+$/, { error: "must be a number" }).transform(Number).pipe(z.number().int().min(1).max(500, { error: "at most 500" })).optional(),
});
export type TConversationListQuery = z.infer<typeof ZConversationListQuery>;

function selectList(): Prisma.Sql {
  return sql`s.conversation_id, s.started_at, s.ended_at, s.customer_id, s.channel, s.population, s.topic, s.customer_tier,
    s.ai_involved, s.human_involved, s.resolved, s.resolved_by, s.reopened, s.next_contact_at, s.recontacted_r AS recontacted,
    s.verified AS verified_resolved, s.closed_v AS window_closed, s.first_response_s, s.human_first_response_s, s.escalated_at,
    s.escalation_reason, s.context_transferred, s.escalation_wait_s, s.ai_handle_s, s.human_handle_s, s.csat_score::int AS csat_score,
    s.surveyed, s.ai_messages, s.ai_unconfident_messages, s.drafts, s.drafts_rejected_or_edited, s.qa_reviews,
    s.qa_inaccurate, s.qa_policy_set, s.qa_policy_compliant, s.qa_safety_incidents, s.overrides, s.events, s.start_conflicts`;
}

async function resolve(q: TConversationListQuery): Promise<MetricsRequest> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  return resolveRequest(q, latest, settings);
}

function metricCondition(q: TConversationListQuery): Prisma.Sql {
  if (!q.metric) return sql`true`;
  const d: RateDefinition = RATE_DEFINITIONS[q.metric];
  const side = q.side ?? "numerator";
  // the numerator's rows are always inside the denominator's
  return side === "pending" ? rateRowCondition(d, "pending") : sql`(${rateRowCondition(d, side)}) AND (${rateRowCondition(d, "denominator")})`;
}

export interface ConversationPage {
  total: number;
  page: number;
  pageSize: number;
  rows: ConversationRow[];
}

/** One page of the conversations behind a number (or of the whole slice). */
export async function listConversations(q: TConversationListQuery): Promise<ConversationPage> {
  const req = await resolve(q);
  const page = q.page ?? 1;
  const pageSize = q.page_size ?? 50;
  const sort = Prisma.raw(`s.${q.sort ?? "started_at"} ${q.dir === "asc" ? "ASC" : "DESC"} NULLS LAST, s.conversation_id`);
  const where = metricCondition(q);
  const [rows, count] = await Promise.all([
    prisma().$queryRaw<ConversationRow[]>`
      SELECT ${selectList()} FROM ${sliceTable(req)} WHERE ${where}
      ORDER BY ${sort} LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    prisma().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM ${sliceTable(req)} WHERE ${where}`,
  ]);
  return { total: count[0].n, page, pageSize, rows };
}

/**
 * Every matching conversation, in batches by keyset on conversation_id, so memory stays flat
 * at a million rows. The request is resolved (and a bad one rejected) before the first row.
 */
export async function streamConversations(q: TConversationListQuery, batch = 5000): Promise<AsyncGenerator<ConversationRow>> {
  const req = await resolve(q);
  const where = metricCondition(q);
  async function* rows(): AsyncGenerator<ConversationRow> {
    let after = "";
    for (;;) {
      const page = await prisma().$queryRaw<ConversationRow[]>`
        SELECT ${selectList()} FROM ${sliceTable(req)} WHERE ${where} AND s.conversation_id > ${after}
        ORDER BY s.conversation_id LIMIT ${batch}`;
      for (const r of page) yield r;
      if (page.length < batch) return;
      after = String(page[page.length - 1].conversation_id);
    }
  }
  return rows();
}

/** A conversation's derived row (request-independent fields) and its event timeline. */
export async function getConversation(conversationId: string) {
  const db = prisma();
  const conversation = await db.conversation.findUnique({ where: { conversationId } });
  if (!conversation) return null;
  const events = await db.event.findMany({ where: { conversationId }, orderBy: [{ at: "asc" }, { id: "asc" }] });
  return { conversation, events };
}
