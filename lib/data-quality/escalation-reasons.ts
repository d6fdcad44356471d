import { prisma } from "../db/prisma";
import { resolveMetricsRequest } from "../metrics";
import type { TMetricsQuery } from "../metrics/request";
import { sliceTable } from "../metrics/slice";

export interface EscalationReasonCount {
  /** the earliest `escalated` event's reason; null when it carried none */
  reason: string | null;
  conversations: number;
}

/**
 * Conversations of the slice with an `escalated` event, by the reason of their earliest one:
 * the denominator of low_confidence_escalation_share split by reason (so the low_confidence row
 * is that metric's numerator).
 */
export async function escalationReasons(q: TMetricsQuery): Promise<EscalationReasonCount[]> {
  const req = await resolveMetricsRequest(q);
  const rows = await prisma().$queryRaw<{ reason: string | null; n: number }[]>`
    SELECT s.escalation_reason AS reason, count(*)::int AS n
    FROM ${sliceTable(req)} WHERE s.escalated_at IS NOT NULL
    GROUP BY 1 ORDER BY 2 DESC, 1 NULLS LAST`;
  return rows.map((r) => ({ reason: r.reason, conversations: r.n }));
}
