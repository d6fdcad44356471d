/**
 * What the ticket-export presets (Zendesk, Freshdesk) share: who took part in a ticket, from its
 * tags, channel and agent, and the replies the export implies.
 */
import { EventList, lookup, lowerSet, normKey, normSet } from "./common";

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
