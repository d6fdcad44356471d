import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { channelLabel, formatDuration, formatInstant, formatInstantSeconds, populationLabel } from "@/components/format";
import { PageFrame, Panel } from "@/components/page-frame";
import { requireUser } from "@/lib/auth/page";
import { CONVERSATION_COLUMNS, getConversation, listConversations, type ConversationRow } from "@/lib/conversations/query";
import type { Channel, Population } from "@/lib/events/vocabulary";
import { resolveMetricsRequest } from "@/lib/metrics";

export const dynamic = "force-dynamic";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Conversation ${decodeURIComponent(id)} · Hybrid Support Dashboard` };
}

const EVENT_FIELDS = [
  ["eventId", "event_id"], ["customerId", "customer_id"], ["channel", "channel"], ["topic", "topic"], ["customerTier", "customer_tier"],
  ["confident", "confident"], ["agentId", "agent_id"], ["reason", "reason"], ["contextTransferred", "context_transferred"], ["by", "by"],
  ["score", "score"], ["actor", "actor"], ["seconds", "seconds"], ["outcome", "outcome"], ["accurate", "accurate"],
  ["policyCompliant", "policy_compliant"], ["safetyIncident", "safety_incident"], ["cause", "cause"],
] as const;

const TYPE_STYLE: Record<string, string> = {
  ai_message: "border-blue-300 bg-blue-50 text-blue-900",
  human_message: "border-orange-300 bg-orange-50 text-orange-950",
  escalated: "border-orange-500 bg-orange-100 text-orange-950",
  resolved: "border-blue-500 bg-blue-100 text-blue-950",
  reopened: "border-amber-400 bg-amber-50 text-amber-900",
};

const DURATION_COLUMNS = new Set(["first_response_s", "human_first_response_s", "escalation_wait_s", "ai_handle_s", "human_handle_s"]);
const TIME_COLUMNS = new Set(["started_at", "ended_at", "next_contact_at", "escalated_at"]);
const WINDOW_COLUMNS = new Set(["recontacted", "verified_resolved", "window_closed"]);

function show(col: string, v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (TIME_COLUMNS.has(col)) return formatInstantSeconds(v as Date);
  if (DURATION_COLUMNS.has(col)) return `${formatDuration(Number(v))} (${Number(v)} s)`;
  if (col === "population") return `${populationLabel(String(v))} (${v})`;
  if (col === "channel") return channelLabel(String(v));
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

/**
 * The derived row as the list and CSV export have it (with the request-dependent flags at the
 * default windows and as_of), found through listConversations over the conversation's own day
 * and attributes; null for an orphan (never in a slice).
 */
async function derivedRow(c: NonNullable<Awaited<ReturnType<typeof getConversation>>>["conversation"]): Promise<ConversationRow | null> {
  if (!c.startedAt || !c.channel) return null;
  const day = c.startedAt.toISOString().slice(0, 10);
  const q = {
    from: day,
    to: day,
    channel: [c.channel as Channel],
    population: [c.population as Population],
    ...(c.topic ? { topic: [c.topic] } : {}),
    ...(c.customerTier ? { customer_tier: [c.customerTier] } : {}),
    sort: "conversation_id" as const,
    dir: "asc" as const,
    page_size: 500,
  };
  for (let page = 1; page <= 20; page++) {
    const r = await listConversations({ ...q, page });
    const hit = r.rows.find((row) => row.conversation_id === c.conversationId);
    if (hit) return hit;
    if (page * r.pageSize >= r.total) break;
  }
  return null;
}

export default async function ConversationPage({ params }: { params: Params }) {
  const { id: raw } = await params;
  const id = decodeURIComponent(raw);
  const user = await requireUser({ next: `/conversations/${encodeURIComponent(id)}` });
  const found = await getConversation(id);
  if (!found) notFound();
  const { conversation: c, events } = found;
  const [row, req] = await Promise.all([derivedRow(c), resolveMetricsRequest({})]);
  const start = c.startedAt?.getTime() ?? events[0]?.at.getTime() ?? 0;

  return (
    <PageFrame
      user={user}
      current="none"
      pathname={`/conversations/${encodeURIComponent(id)}`}
      title={`Conversation ${id}`}
      description={
        <>
          {c.startedAt ? (
            <>
              {channelLabel(c.channel)} · {populationLabel(c.population)} · started {formatInstant(c.startedAt)}
            </>
          ) : (
            <strong>No conversation_started received: excluded from every metric until it arrives.</strong>
          )}{" "}
          <Link href="/data-quality" className="font-medium text-blue-800 underline underline-offset-2">
            Data quality
          </Link>
        </>
      }
    >
      <div className="grid gap-4 lg:grid-cols-5">
        <Panel
          title="Event timeline"
          id="timeline"
          className="lg:col-span-3"
          description={`${events.length} stored events, in time order (ties in arrival order). Offsets are from the start.`}
        >
          <ol className="relative space-y-3 border-l-2 border-slate-200 pl-4" data-testid="timeline">
            {events.map((e) => {
              const offset = (e.at.getTime() - start) / 1000;
              const fields = EVENT_FIELDS.filter(([k]) => e[k] !== null && e[k] !== undefined);
              return (
                <li key={String(e.id)} className="relative">
                  <span aria-hidden="true" className="absolute -left-[1.39rem] top-1.5 h-2.5 w-2.5 rounded-full border-2 border-white bg-slate-500" />
                  <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
                    <span className={`rounded border px-1.5 py-0.5 font-mono text-xs font-semibold ${TYPE_STYLE[e.type] ?? "border-slate-300 bg-slate-50 text-slate-800"}`}>
                      {e.type}
                    </span>
                    <time dateTime={e.at.toISOString()} className="text-sm tabular-nums text-slate-800">
                      {formatInstantSeconds(e.at)}
                    </time>
                    <span className="text-xs tabular-nums text-slate-600">
                      {offset >= 0 ? "+" : "−"}
                      {formatDuration(Math.abs(offset))}
                    </span>
                  </div>
                  {fields.length ? (
                    <dl className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-700">
                      {fields.map(([k, label]) => (
                        <div key={k} className="flex gap-1">
                          <dt className="text-slate-500">{label}</dt>
                          <dd className="font-medium">{String(e[k])}</dd>
                        </div>
                      ))}
                    </dl>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </Panel>
        <Panel
          title="Derived fields"
          id="derived"
          className="lg:col-span-2"
          description={
            row
              ? `As the metrics see it. Re-contact, verified and window closed use the ${req.recontactHours} h / ${req.verificationHours} h windows at as_of ${formatInstant(req.asOf)}.`
              : "The stored derived row (request-dependent flags need a start)."
          }
        >
          <dl className="divide-y divide-slate-100 text-sm" data-testid="derived-fields">
            {row
              ? CONVERSATION_COLUMNS.map((col) => (
                  <div key={col} className="grid grid-cols-2 gap-2 py-1">
                    <dt className="font-mono text-xs text-slate-600">
                      {col}
                      {WINDOW_COLUMNS.has(col) ? <span className="ml-1 rounded bg-slate-100 px-1 font-sans text-[0.65rem] text-slate-600">window</span> : null}
                    </dt>
                    <dd className="break-words tabular-nums">{show(col, row[col])}</dd>
                  </div>
                ))
              : Object.entries(c).map(([k, v]) => (
                  <div key={k} className="grid grid-cols-2 gap-2 py-1">
                    <dt className="font-mono text-xs text-slate-600">{k}</dt>
                    <dd className="break-words tabular-nums">{v instanceof Date ? formatInstantSeconds(v) : v === null ? "—" : String(v)}</dd>
                  </div>
                ))}
          </dl>
        </Panel>
      </div>
    </PageFrame>
  );
}
