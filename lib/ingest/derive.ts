import type { PoolClient } from "pg";
import { refreshRollups } from "../rollups/refresh";

/**
 * Derived conversation rows (metrics.md §1), recomputed set-based for the conversations listed
 * in the temp table `touched_conversations`, then `next_contact_at` for every conversation of
 * the customers they belong to. A derived row is a pure function of the stored events (and,
 * for the conflict rule "first received wins", of their arrival order = events.id), so
 * `verify` can rebuild everything and compare.
 *
 * Tie-breaks the spec leaves open (docs/metrics.md): among events at the same instant the one
 * with the greatest event_id wins (events without event_id rank lowest), then the greatest
 * value (csat score, resolved `by` 'human' > 'ai', escalation reason, context_transferred). Strings compare
 * byte-wise (COLLATE "C"), so the result does not depend on the database's locale.
 */
export const DERIVE_CONVERSATIONS_SQL = `
WITH ev AS (
  SELECT e.*,
         min(e.at) FILTER (WHERE e.type = 'escalated') OVER (PARTITION BY e.conversation_id) AS esc_at
  FROM events e
  JOIN touched_conversations t ON t.conversation_id = e.conversation_id
),
first_start AS (
  SELECT DISTINCT ON (ev.conversation_id) ev.conversation_id, ev.id, ev.at, ev.customer_id, ev.channel, ev.topic,
    ev.customer_tier, i.format AS source
  FROM ev LEFT JOIN imports i ON i.id = ev.import_id
  WHERE ev.type = 'conversation_started'
  ORDER BY ev.conversation_id, ev.id
),
agg AS (
  SELECT
    ev.conversation_id,
    bool_or(ev.type = 'ai_message') AS ai_involved,
    bool_or(ev.type IN ('human_message', 'escalated')) AS human_involved,
    -- a losing (conflicting) conversation_started does not extend the session
    max(ev.at) FILTER (WHERE ev.type IN ('customer_message', 'ai_message', 'human_message', 'escalated',
      'resolved', 'reopened', 'abandoned')
      OR (ev.type = 'conversation_started' AND ev.id = fs.id)) AS ended_at,
    -- the last of resolved/reopened by time; at the same instant resolved sorts before reopened
    (array_agg(ev.type ORDER BY ev.at DESC, (ev.type = 'reopened') DESC)
      FILTER (WHERE ev.type IN ('resolved', 'reopened')))[1] AS last_resolution_type,
    (array_agg(ev.by ORDER BY ev.at DESC, ev.event_id COLLATE "C" DESC NULLS LAST, ev.by COLLATE "C" DESC NULLS LAST)
      FILTER (WHERE ev.type = 'resolved'))[1] AS last_resolved_by,
    bool_or(ev.type = 'reopened') AS reopened,
    min(ev.at) FILTER (WHERE ev.type IN ('ai_message', 'human_message')) AS first_response_at,
    min(ev.esc_at) AS escalated_at,
    (array_agg(ev.reason ORDER BY ev.at, ev.event_id COLLATE "C" DESC NULLS LAST, ev.reason COLLATE "C" DESC, ev.context_transferred DESC)
      FILTER (WHERE ev.type = 'escalated'))[1] AS escalation_reason,
    (array_agg(ev.context_transferred ORDER BY ev.at, ev.event_id COLLATE "C" DESC NULLS LAST, ev.reason COLLATE "C" DESC, ev.context_transferred DESC)
      FILTER (WHERE ev.type = 'escalated'))[1] AS context_transferred,
    min(ev.at) FILTER (WHERE ev.type = 'human_message' AND ev.at >= ev.esc_at) AS first_human_after_escalation_at,
    coalesce(sum(ev.seconds) FILTER (WHERE ev.type = 'work_logged' AND ev.actor = 'ai'), 0) AS ai_handle_s,
    coalesce(sum(ev.seconds) FILTER (WHERE ev.type = 'work_logged' AND ev.actor = 'human'), 0) AS human_handle_s,
    (array_agg(ev.score ORDER BY ev.at DESC, ev.event_id COLLATE "C" DESC NULLS LAST, ev.score DESC)
      FILTER (WHERE ev.type = 'csat_response'))[1] AS csat_score,
    bool_or(ev.type IN ('csat_survey_sent', 'csat_response')) AS surveyed,
    count(*) FILTER (WHERE ev.type = 'ai_message') AS ai_messages,
    count(*) FILTER (WHERE ev.type = 'ai_message' AND ev.confident = false) AS ai_unconfident_messages,
    count(*) FILTER (WHERE ev.type = 'ai_draft') AS drafts,
    count(*) FILTER (WHERE ev.type = 'ai_draft' AND ev.outcome IN ('rejected', 'edited')) AS drafts_rejected_or_edited,
    count(*) FILTER (WHERE ev.type = 'qa_review') AS qa_reviews,
    count(*) FILTER (WHERE ev.type = 'qa_review' AND ev.accurate = false) AS qa_inaccurate,
    count(*) FILTER (WHERE ev.type = 'qa_review' AND ev.policy_compliant IS NOT NULL) AS qa_policy_set,
    count(*) FILTER (WHERE ev.type = 'qa_review' AND ev.policy_compliant = true) AS qa_policy_compliant,
    count(*) FILTER (WHERE ev.type = 'qa_review' AND ev.safety_incident = true) AS qa_safety_incidents,
    count(*) FILTER (WHERE ev.type = 'human_override') AS overrides,
    count(*) AS events,
    max(ev.at) AS last_event_at,
    count(*) FILTER (WHERE ev.type = 'conversation_started'
      AND (ev.at, ev.customer_id, ev.channel, ev.topic, ev.customer_tier)
          IS DISTINCT FROM (fs.at, fs.customer_id, fs.channel, fs.topic, fs.customer_tier)) AS start_conflicts
  FROM ev
  LEFT JOIN first_start fs ON fs.conversation_id = ev.conversation_id
  GROUP BY ev.conversation_id
)
INSERT INTO conversations (
  conversation_id, started_at, customer_id, channel, topic, customer_tier,
  ai_involved, human_involved, population, ended_at, resolved, resolved_by, reopened,
  first_response_s, human_first_response_s, escalated_at, escalation_reason, context_transferred,
  escalation_wait_s, ai_handle_s, human_handle_s, csat_score, surveyed,
  ai_messages, ai_unconfident_messages, drafts, drafts_rejected_or_edited, qa_reviews,
  qa_inaccurate, qa_policy_set, qa_policy_compliant, qa_safety_incidents, overrides, events,
  start_conflicts, source, last_event_at, updated_at)
SELECT
  a.conversation_id, fs.at, fs.customer_id, fs.channel, fs.topic, fs.customer_tier,
  a.ai_involved, a.human_involved,
  CASE WHEN a.ai_involved AND a.human_involved THEN 'ai_escalated'
       WHEN a.ai_involved THEN 'ai_only'
       WHEN a.human_involved THEN 'human_only'
       ELSE 'unhandled' END,
  a.ended_at,
  coalesce(a.last_resolution_type = 'resolved', false),
  CASE WHEN a.last_resolution_type = 'resolved' THEN
    coalesce(a.last_resolved_by, CASE WHEN a.human_involved THEN 'human' WHEN a.ai_involved THEN 'ai' END)
  END,
  a.reopened,
  -- greatest() would turn a missing response (NULL) into 0: clamp only real durations
  CASE WHEN a.first_response_at IS NOT NULL THEN greatest(extract(epoch FROM a.first_response_at - fs.at)::float8, 0) END,
  CASE WHEN a.human_involved AND NOT a.ai_involved AND a.first_response_at IS NOT NULL
       THEN greatest(extract(epoch FROM a.first_response_at - fs.at)::float8, 0) END,
  a.escalated_at, a.escalation_reason, a.context_transferred,
  extract(epoch FROM a.first_human_after_escalation_at - a.escalated_at)::float8,
  a.ai_handle_s, a.human_handle_s, a.csat_score, a.surveyed,
  a.ai_messages, a.ai_unconfident_messages, a.drafts, a.drafts_rejected_or_edited, a.qa_reviews,
  a.qa_inaccurate, a.qa_policy_set, a.qa_policy_compliant, a.qa_safety_incidents, a.overrides, a.events,
  a.start_conflicts, fs.source, a.last_event_at, now()
FROM agg a
LEFT JOIN first_start fs ON fs.conversation_id = a.conversation_id
ON CONFLICT (conversation_id) DO UPDATE SET
  started_at = EXCLUDED.started_at, customer_id = EXCLUDED.customer_id, channel = EXCLUDED.channel,
  topic = EXCLUDED.topic, customer_tier = EXCLUDED.customer_tier, ai_involved = EXCLUDED.ai_involved,
  human_involved = EXCLUDED.human_involved, population = EXCLUDED.population, ended_at = EXCLUDED.ended_at,
  resolved = EXCLUDED.resolved, resolved_by = EXCLUDED.resolved_by, reopened = EXCLUDED.reopened,
  first_response_s = EXCLUDED.first_response_s, human_first_response_s = EXCLUDED.human_first_response_s,
  escalated_at = EXCLUDED.escalated_at, escalation_reason = EXCLUDED.escalation_reason,
  context_transferred = EXCLUDED.context_transferred, escalation_wait_s = EXCLUDED.escalation_wait_s,
  ai_handle_s = EXCLUDED.ai_handle_s, human_handle_s = EXCLUDED.human_handle_s,
  csat_score = EXCLUDED.csat_score, surveyed = EXCLUDED.surveyed, ai_messages = EXCLUDED.ai_messages,
  ai_unconfident_messages = EXCLUDED.ai_unconfident_messages, drafts = EXCLUDED.drafts,
  drafts_rejected_or_edited = EXCLUDED.drafts_rejected_or_edited, qa_reviews = EXCLUDED.qa_reviews,
  qa_inaccurate = EXCLUDED.qa_inaccurate, qa_policy_set = EXCLUDED.qa_policy_set,
  qa_policy_compliant = EXCLUDED.qa_policy_compliant, qa_safety_incidents = EXCLUDED.qa_safety_incidents,
  overrides = EXCLUDED.overrides, events = EXCLUDED.events, start_conflicts = EXCLUDED.start_conflicts,
  source = EXCLUDED.source, last_event_at = EXCLUDED.last_event_at, updated_at = EXCLUDED.updated_at
`;

/**
 * next_contact_at for every conversation of the touched customers: the earliest strictly later
 * start of the same customer whose topic is compatible (not both set and different). Window
 * frames with EXCLUDE GROUP skip conversations starting at the same instant; partitioning by
 * customer keeps this co-located when distributed by customer_id.
 *
 * Written so its cost follows the touched customers, not the stored history: the laterals
 * (OFFSET 0 keeps the planner from flattening them into a join) probe the primary key and
 * (customer_id, started_at) once per touched conversation / customer, where a join let the
 * planner hash all of `conversations` once per part (1.5 s of an 8 s ingest at 1 M
 * conversations, and growing). The changed rows go to a temp table that is analysed before the
 * UPDATE, so that it too probes by key instead of scanning for an estimated 15 000 rows that are
 * usually a few hundred.
 */
export const DERIVE_NEXT_CONTACT_SQL = `
CREATE TEMP TABLE next_contacts ON COMMIT DROP AS
WITH customers AS (
  SELECT DISTINCT k.customer_id
  FROM touched_conversations t
  CROSS JOIN LATERAL (SELECT c.customer_id FROM conversations c WHERE c.conversation_id = t.conversation_id OFFSET 0) k
  WHERE k.customer_id IS NOT NULL
),
mine AS (
  SELECT m.* FROM customers cu CROSS JOIN LATERAL (
    SELECT c.conversation_id, c.customer_id, c.topic, c.started_at, c.next_contact_at
    FROM conversations c
    WHERE c.customer_id = cu.customer_id AND c.started_at IS NOT NULL
    OFFSET 0
  ) m
),
nexts AS (
  SELECT conversation_id, next_contact_at AS old_next,
    CASE WHEN topic IS NULL THEN
      min(started_at) OVER later_of_customer
    ELSE
      least(min(started_at) FILTER (WHERE topic IS NULL) OVER later_of_customer,
            min(started_at) OVER later_same_topic)
    END AS next_contact_at
  FROM mine
  WINDOW later_of_customer AS (PARTITION BY customer_id ORDER BY started_at
           RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE GROUP),
         later_same_topic AS (PARTITION BY customer_id, topic ORDER BY started_at
           RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING EXCLUDE GROUP)
)
SELECT conversation_id, next_contact_at FROM nexts WHERE old_next IS DISTINCT FROM next_contact_at;
ANALYZE next_contacts;
UPDATE conversations c SET next_contact_at = n.next_contact_at
FROM next_contacts n
WHERE c.conversation_id = n.conversation_id;
DROP TABLE next_contacts;
`;

/**
 * Recompute the derived rows of the conversations in `touched_conversations` (a temp table),
 * then the rollup of whatever that changed (lib/rollups), all in the caller's transaction.
 */
export async function deriveTouched(client: PoolClient, phase: (name: string) => void = () => {}) {
  await client.query(DERIVE_CONVERSATIONS_SQL);
  phase("derive conversations");
  await client.query(DERIVE_NEXT_CONTACT_SQL);
  phase("derive next_contact_at");
  await refreshRollups(client);
  phase("rollups");
}

export async function createTouchedTable(client: PoolClient) {
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS touched_conversations (conversation_id text PRIMARY KEY) ON COMMIT DROP`,
  );
}
