import { LOCKS } from "../db/locks";
import { prisma } from "../db/prisma";
import { resolveMetricsRequest } from "../metrics";
import type { TMetricsQuery } from "../metrics/request";
import { sliceConditions } from "../metrics/slice";
import { Prisma } from "../generated/prisma/client";
import { inSnapshot, rollupState, sketchTail } from "../rollups/source";
import { dimensionValues } from "../rollups/values";

/**
 * Queries of the data-quality page (events.md: orphans and start conflicts are kept and
 * reported, never silently dropped). Plain SQL through $queryRaw tagged templates: every input
 * is a bound parameter.
 */

export interface DataFreshness {
  /** latest `at` of any stored event: the default as_of of every metric */
  asOf: Date | null;
  /** when the newest event was received */
  lastReceivedAt: Date | null;
  events: number;
  conversations: number;
  orphans: number;
  conflicting: number;
}

export async function dataFreshness(): Promise<DataFreshness> {
  const rows = await prisma().$queryRaw<
    { as_of: Date | null; last_received_at: Date | null; events: number; conversations: number; orphans: number; conflicting: number }[]
  >`
    SELECT c.as_of, i.last_received_at, c.events, c.conversations, c.orphans, c.conflicting
    FROM (SELECT max(finished_at) AS last_received_at FROM imports WHERE status = 'done' AND accepted > 0) i,
         -- from the derived rows (one per conversation), never a scan of the events table
         (SELECT max(last_event_at) AS as_of, coalesce(sum(events), 0)::int AS events,
                 count(*)::int AS conversations,
                 count(*) FILTER (WHERE started_at IS NULL)::int AS orphans,
                 count(*) FILTER (WHERE start_conflicts > 0)::int AS conflicting
          FROM conversations) c`;
  const r = rows[0];
  return {
    asOf: r.as_of,
    lastReceivedAt: r.last_received_at,
    events: r.events,
    conversations: r.conversations,
    orphans: r.orphans,
    conflicting: r.conflicting,
  };
}

export interface OrphanConversation {
  conversationId: string;
  events: number;
  firstEventAt: Date | null;
  lastEventAt: Date | null;
  /** the event types it has (none is conversation_started) */
  types: string[];
}

/**
 * Conversations with events but no conversation_started (`started_at IS NULL`): kept, excluded
 * from every metric until their start arrives. Newest activity first.
 */
export async function orphanConversations(limit = 50): Promise<{ total: number; rows: OrphanConversation[] }> {
  const rows = await prisma().$queryRaw<
    { conversation_id: string; events: number; first_event_at: Date | null; last_event_at: Date | null; types: string[]; total: number }[]
  >`
    WITH o AS (
      SELECT conversation_id, events, count(*) OVER ()::int AS total
      FROM conversations WHERE started_at IS NULL
    )
    SELECT o.conversation_id, o.events, o.total, min(e.at) AS first_event_at, max(e.at) AS last_event_at,
      array_agg(DISTINCT e.type ORDER BY e.type) AS types
    FROM o JOIN events e ON e.conversation_id = o.conversation_id
    GROUP BY o.conversation_id, o.events, o.total
    ORDER BY max(e.at) DESC, o.conversation_id
    LIMIT ${limit}`;
  const total = rows[0]?.total ?? 0;
  return {
    total,
    rows: rows.map((r) => ({
      conversationId: r.conversation_id,
      events: r.events,
      firstEventAt: r.first_event_at,
      lastEventAt: r.last_event_at,
      types: r.types ?? [],
    })),
  };
}

export interface StartFields {
  eventId: string | null;
  at: Date;
  customerId: string | null;
  channel: string | null;
  topic: string | null;
  customerTier: string | null;
  receivedAt: Date;
}

export interface ConflictingStart {
  conversationId: string;
  startConflicts: number;
  /** the conversation_started received first: it wins (events.md) */
  winner: StartFields;
  /** later conversation_started events whose fields differ from the winner's */
  losers: StartFields[];
}

/**
 * Conversations of the slice (range and filters of the page) with start_conflicts > 0, each
 * with its winning conversation_started and the losing ones from `events` (arrival order =
 * events.id, as the derive step uses).
 */
export async function conflictingStarts(q: TMetricsQuery, limit = 50): Promise<{ total: number; rows: ConflictingStart[] }> {
  const req = await resolveMetricsRequest(q);
  const rows = await prisma().$queryRaw<
    {
      conversation_id: string; start_conflicts: number; total: number; rn: number;
      event_id: string | null; at: Date; customer_id: string | null; channel: string | null; topic: string | null;
      customer_tier: string | null; received_at: Date; differs: boolean;
    }[]
  >`
    WITH c AS (
      SELECT c.conversation_id, c.start_conflicts, c.started_at, count(*) OVER ()::int AS total
      FROM conversations c
      WHERE c.start_conflicts > 0 AND ${sliceConditions(req, req.filters)}
      ORDER BY c.started_at DESC, c.conversation_id
      LIMIT ${limit}
    ), starts AS (
      SELECT e.conversation_id, e.event_id, e.at, e.customer_id, e.channel, e.topic, e.customer_tier, e.received_at,
        row_number() OVER (PARTITION BY e.conversation_id ORDER BY e.id)::int AS rn,
        (e.at, e.customer_id, e.channel, e.topic, e.customer_tier) IS DISTINCT FROM
          (first_value(e.at) OVER w, first_value(e.customer_id) OVER w, first_value(e.channel) OVER w,
           first_value(e.topic) OVER w, first_value(e.customer_tier) OVER w) AS differs
      FROM events e JOIN c ON c.conversation_id = e.conversation_id
      WHERE e.type = 'conversation_started'
      WINDOW w AS (PARTITION BY e.conversation_id ORDER BY e.id)
    )
    SELECT c.conversation_id, c.start_conflicts, c.total, s.rn, s.event_id, s.at, s.customer_id, s.channel, s.topic,
      s.customer_tier, s.received_at, s.differs
    FROM c JOIN starts s ON s.conversation_id = c.conversation_id
    WHERE s.rn = 1 OR s.differs
    ORDER BY c.started_at DESC, c.conversation_id, s.rn`;
  const out: ConflictingStart[] = [];
  for (const r of rows) {
    const fields: StartFields = {
      eventId: r.event_id, at: r.at, customerId: r.customer_id, channel: r.channel, topic: r.topic,
      customerTier: r.customer_tier, receivedAt: r.received_at,
    };
    if (r.rn === 1) out.push({ conversationId: r.conversation_id, startConflicts: r.start_conflicts, winner: fields, losers: [] });
    else out[out.length - 1]?.losers.push(fields);
  }
  return { total: rows[0]?.total ?? 0, rows: out };
}

export interface RejectionSample {
  line?: number;
  index?: number;
  field?: string;
  reason?: string;
}

export interface ImportRecord {
  id: string;
  source: string;
  format: string;
  fileName: string | null;
  createdBy: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  status: string;
  accepted: number;
  duplicates: number;
  rejectedCount: number;
  /** the first few stored rejections */
  firstRejections: RejectionSample[];
}

/** The latest imports, newest first, with their first `samples` rejections (not the stored 1000). */
export async function importHistory(limit = 20, samples = 5): Promise<ImportRecord[]> {
  const rows = await prisma().$queryRaw<
    {
      id: string; source: string; format: string; file_name: string | null; created_by: string | null; started_at: Date;
      finished_at: Date | null; status: string; accepted: number; duplicates: number; rejected_count: number;
      first_rejections: RejectionSample[] | null;
    }[]
  >`
    SELECT i.id::text AS id, i.source, i.format, i.file_name, i.created_by, i.started_at, i.finished_at,
      -- running, but the lock its ingest holds while it runs is gone: the process ended (killed)
      CASE WHEN i.status = 'running' AND NOT EXISTS (
        SELECT 1 FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = ${LOCKS.importRunning}::oid AND l.objid = (i.id % 2147483647)::oid)
      THEN 'interrupted' ELSE i.status END AS status,
      i.accepted, i.duplicates, i.rejected_count,
      (SELECT jsonb_agg(r.x ORDER BY r.o) FROM jsonb_array_elements(i.rejected) WITH ORDINALITY AS r(x, o) WHERE r.o <= ${samples})
        AS first_rejections
    FROM imports i
    ORDER BY i.started_at DESC, i.id DESC
    LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    format: r.format,
    fileName: r.file_name,
    createdBy: r.created_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    accepted: r.accepted,
    duplicates: r.duplicates,
    rejectedCount: r.rejected_count,
    firstRejections: r.first_rejections ?? [],
  }));
}

/** Distinct customer tiers and topics of started conversations, for the filter menus. */
export async function filterOptions(maxValues = 200): Promise<{ customerTiers: string[]; topics: string[] }> {
  const rows = await inSnapshot(async (db) => {
    const rollup = await rollupState(db);
    // with the rollup: the values kept for the conversations ended at its horizon (a few hundred
    // rows) plus those ended after it, the last hour's, instead of every row (10 M conversations,
    // cold: 9.4 s) or the counts' segments and their 72-hour tail (0.7-1.07 s)
    const values = rollup
      ? Prisma.sql`SELECT r.dimension, r.value FROM conversation_rollup_values r
          UNION ALL
          SELECT v.dimension, v.value FROM conversations c ${dimensionValues("c")}
          WHERE c.started_at IS NOT NULL AND ${sketchTail(rollup)} AND v.value IS NOT NULL`
      : Prisma.sql`SELECT v.dimension, v.value
          FROM (SELECT DISTINCT c.customer_tier, c.topic FROM conversations c WHERE c.started_at IS NOT NULL) c ${dimensionValues("c")}
          WHERE v.value IS NOT NULL`;
    return db.$queryRaw<{ kind: string; value: string }[]>`
      WITH dimension_values AS MATERIALIZED (${values})
      (SELECT 'tier' AS kind, value FROM dimension_values WHERE dimension = 'customer_tier' GROUP BY value ORDER BY value LIMIT ${maxValues})
      UNION ALL
      (SELECT 'topic' AS kind, value FROM dimension_values WHERE dimension = 'topic' GROUP BY value ORDER BY value LIMIT ${maxValues})`;
  });
  return {
    customerTiers: rows.filter((r) => r.kind === "tier").map((r) => r.value),
    topics: rows.filter((r) => r.kind === "topic").map((r) => r.value),
  };
}
