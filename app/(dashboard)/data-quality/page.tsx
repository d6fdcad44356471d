import type { Metadata } from "next";
import Link from "next/link";
import { parseFilters, type PageSearchParams } from "@/components/filters/params";
import { channelLabel, formatCount, formatInstant, formatInstantSeconds } from "@/components/format";
import { PageFrame, Panel } from "@/components/page-frame";
import { requireUser } from "@/lib/auth/page";
import { conflictingStarts, dataFreshness, importHistory, orphanConversations, type StartFields } from "@/lib/data-quality";
import type { TMetricsQuery } from "@/lib/metrics/request";

export const metadata: Metadata = { title: "Data quality · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

export default async function DataQualityPage({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const user = await requireUser({ next: "/data-quality" });
  const filters = parseFilters(await searchParams);
  return (
    <PageFrame
      user={user}
      current="data-quality"
      pathname="/data-quality"
      title="Data quality"
      description="What the numbers stand on: how fresh the data is, conversations the metrics cannot use yet, conflicting starts, and every import with its rejections."
      filters={filters}
      showWhenEmpty
    >
      {filters.ok ? <DataQuality query={filters.query} /> : null}
    </PageFrame>
  );
}

const card = "rounded-xl border border-slate-200 bg-white p-4 shadow-sm";

function StartCells({ s }: { s: StartFields }) {
  return (
    <>
      <td className="whitespace-nowrap px-3 py-1.5 tabular-nums">{formatInstantSeconds(s.at)}</td>
      <td className="px-3 py-1.5">{s.customerId ?? "—"}</td>
      <td className="px-3 py-1.5">{s.channel ? channelLabel(s.channel) : "—"}</td>
      <td className="px-3 py-1.5">{s.topic ?? "—"}</td>
      <td className="px-3 py-1.5">{s.customerTier ?? "—"}</td>
      <td className="whitespace-nowrap px-3 py-1.5 tabular-nums text-slate-600">{formatInstant(s.receivedAt)}</td>
    </>
  );
}

async function DataQuality({ query }: { query: TMetricsQuery }) {
  const [fresh, orphans, conflicts, imports] = await Promise.all([
    dataFreshness(),
    orphanConversations(50),
    conflictingStarts(query, 50),
    importHistory(20, 5),
  ]);
  const th = "px-3 py-2";
  return (
    <>
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-5" data-testid="freshness">
        <div className={card}>
          <dt className="text-xs font-medium text-slate-600">Last event (as_of)</dt>
          <dd className="mt-1 font-semibold tabular-nums" data-testid="dq-as-of">
            {fresh.asOf ? formatInstant(fresh.asOf) : "no events yet"}
          </dd>
        </div>
        <div className={card}>
          <dt className="text-xs font-medium text-slate-600">Last received</dt>
          <dd className="mt-1 font-semibold tabular-nums">{fresh.lastReceivedAt ? formatInstant(fresh.lastReceivedAt) : "—"}</dd>
        </div>
        <div className={card}>
          <dt className="text-xs font-medium text-slate-600">Events / conversations</dt>
          <dd className="mt-1 font-semibold tabular-nums">
            {formatCount(fresh.events)} / {formatCount(fresh.conversations)}
          </dd>
        </div>
        <div className={card}>
          <dt className="text-xs font-medium text-slate-600">Without a start (all time)</dt>
          <dd className="mt-1 font-semibold tabular-nums" data-testid="dq-orphans">
            {fresh.orphans > 0 ? <span aria-hidden="true">! </span> : null}
            {formatCount(fresh.orphans)}
          </dd>
        </div>
        <div className={card}>
          <dt className="text-xs font-medium text-slate-600">Conflicting starts (all time)</dt>
          <dd className="mt-1 font-semibold tabular-nums" data-testid="dq-conflicts">
            {fresh.conflicting > 0 ? <span aria-hidden="true">! </span> : null}
            {formatCount(fresh.conflicting)}
          </dd>
        </div>
      </dl>

      <Panel
        title="Conversations without a start"
        id="orphans"
        description="Events arrived but no conversation_started: the conversation is kept and excluded from every metric until its start arrives. All time, newest activity first (not filtered: without a start there is no date or channel)."
        testId="orphans"
      >
        {orphans.total === 0 ? (
          <p className="text-sm text-slate-700">
            <span aria-hidden="true">✓ </span>None: every conversation has its start.
          </p>
        ) : (
          <>
            <p className="mb-2 text-sm text-slate-700">
              {formatCount(orphans.total)} conversation{orphans.total === 1 ? "" : "s"}
              {orphans.total > orphans.rows.length ? `, the latest ${orphans.rows.length} shown` : ""}.
            </p>
            <div className="relative overflow-x-auto rounded-lg border border-slate-200">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <caption className="sr-only">Conversations without a conversation_started event</caption>
                <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className={th}>Conversation</th>
                    <th scope="col" className={`${th} text-right`}>Events</th>
                    <th scope="col" className={th}>First event</th>
                    <th scope="col" className={th}>Last event</th>
                    <th scope="col" className={th}>Event types</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {orphans.rows.map((o) => (
                    <tr key={o.conversationId}>
                      <th scope="row" className="px-3 py-1.5 text-left font-medium">
                        <Link href={`/conversations/${encodeURIComponent(o.conversationId)}`} className="text-blue-800 underline-offset-2 hover:underline">
                          {o.conversationId}
                        </Link>
                      </th>
                      <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(o.events)}</td>
                      <td className="whitespace-nowrap px-3 py-1.5 tabular-nums">{formatInstant(o.firstEventAt)}</td>
                      <td className="whitespace-nowrap px-3 py-1.5 tabular-nums">{formatInstant(o.lastEventAt)}</td>
                      <td className="px-3 py-1.5 font-mono text-xs">{o.types.join(", ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Panel>

      <Panel
        title="Conflicting starts"
        id="conflicts"
        description="A second conversation_started with different fields: the first one received wins and the later ones are ignored. In the selected range and filters."
        testId="conflicts"
      >
        {conflicts.total === 0 ? (
          <p className="text-sm text-slate-700">
            <span aria-hidden="true">✓ </span>None in this selection.
          </p>
        ) : (
          <>
            <p className="mb-2 text-sm text-slate-700">
              {formatCount(conflicts.total)} conversation{conflicts.total === 1 ? "" : "s"}
              {conflicts.total > conflicts.rows.length ? `, the latest ${conflicts.rows.length} shown` : ""}.
            </p>
            <div className="relative overflow-x-auto rounded-lg border border-slate-200">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <caption className="sr-only">Conversations with conflicting conversation_started events: the winner, then the losing events</caption>
                <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className={th}>Conversation</th>
                    <th scope="col" className={th}>Start</th>
                    <th scope="col" className={th}>at</th>
                    <th scope="col" className={th}>Customer</th>
                    <th scope="col" className={th}>Channel</th>
                    <th scope="col" className={th}>Topic</th>
                    <th scope="col" className={th}>Tier</th>
                    <th scope="col" className={th}>Received</th>
                  </tr>
                </thead>
                {conflicts.rows.map((c) => (
                  <tbody key={c.conversationId} className="divide-y divide-slate-100 border-t-2 border-slate-200">
                    <tr>
                      <th scope="rowgroup" rowSpan={c.losers.length + 1} className="px-3 py-1.5 text-left align-top font-medium">
                        <Link href={`/conversations/${encodeURIComponent(c.conversationId)}`} className="text-blue-800 underline-offset-2 hover:underline">
                          {c.conversationId}
                        </Link>
                      </th>
                      <td className="whitespace-nowrap px-3 py-1.5 font-medium text-blue-900">
                        <span aria-hidden="true">✓ </span>used
                      </td>
                      <StartCells s={c.winner} />
                    </tr>
                    {c.losers.map((l, i) => (
                      <tr key={i} className="bg-orange-50/60">
                        <td className="whitespace-nowrap px-3 py-1.5 font-medium text-orange-950">
                          <span aria-hidden="true">✕ </span>ignored
                        </td>
                        <StartCells s={l} />
                      </tr>
                    ))}
                  </tbody>
                ))}
              </table>
            </div>
          </>
        )}
      </Panel>

      <Panel
        title="Import history"
        id="imports"
        description="The latest 20 ingests (API, command line, demo data) with what they stored and the first rejections. Rejected events are not stored; fix them and send them again."
        testId="imports"
      >
        {imports.length === 0 ? (
          <p className="text-sm text-slate-700">
            No import yet. Load events with <code className="rounded bg-slate-100 px-1">npm run cli -- ingest file.csv</code>,{" "}
            <code className="rounded bg-slate-100 px-1">POST /api/v1/events</code> or try{" "}
            <code className="rounded bg-slate-100 px-1">npm run cli -- demo-data</code>.
          </p>
        ) : (
          <div className="relative overflow-x-auto rounded-lg border border-slate-200">
            <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="imports-table">
              <caption className="sr-only">Imports, newest first</caption>
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className={th}>Started</th>
                  <th scope="col" className={th}>Source</th>
                  <th scope="col" className={th}>Status</th>
                  <th scope="col" className={`${th} text-right`}>Accepted</th>
                  <th scope="col" className={`${th} text-right`}>Duplicates</th>
                  <th scope="col" className={`${th} text-right`}>Rejected</th>
                  <th scope="col" className={th}>First rejections</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {imports.map((i) => (
                  <tr key={i.id} className="align-top">
                    <td className="whitespace-nowrap px-3 py-1.5 tabular-nums">{formatInstant(i.startedAt)}</td>
                    <td className="px-3 py-1.5">
                      {i.source} · {i.format}
                      {i.fileName ? <span className="block text-xs text-slate-600">{i.fileName}</span> : null}
                      {i.createdBy ? <span className="block text-xs text-slate-600">by {i.createdBy}</span> : null}
                    </td>
                    <td className="whitespace-nowrap px-3 py-1.5">
                      {i.status === "done" ? (
                        <span className="text-blue-900"><span aria-hidden="true">✓ </span>done</span>
                      ) : i.status === "running" ? (
                        <span className="text-slate-700"><span aria-hidden="true">… </span>running</span>
                      ) : (
                        <span className="font-medium text-orange-950"><span aria-hidden="true">✕ </span>{i.status}</span>
                      )}
                      {i.status === "interrupted" ? (
                        <span className="block max-w-48 text-xs text-slate-600">
                          the process ended before the file did; the parts counted here are stored, and loading the file again adds the rest
                        </span>
                      ) : null}
                    </td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(i.accepted)}</td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(i.duplicates)}</td>
                    <td className={`px-3 py-1.5 text-right tabular-nums ${i.rejectedCount ? "font-semibold text-orange-950" : ""}`}>
                      {formatCount(i.rejectedCount)}
                    </td>
                    <td className="px-3 py-1.5 text-xs">
                      {i.firstRejections.length ? (
                        <ul className="space-y-0.5">
                          {i.firstRejections.map((r, k) => (
                            <li key={k}>
                              {r.line !== undefined ? `line ${r.line}` : r.index !== undefined ? `index ${r.index}` : ""}
                              {r.field ? (
                                <>
                                  {" "}
                                  <code className="rounded bg-slate-100 px-1">{r.field}</code>
                                </>
                              ) : null}
                              {r.reason ? `: ${r.reason}` : ""}
                            </li>
                          ))}
                          {i.rejectedCount > i.firstRejections.length ? (
                            <li className="text-slate-600">… and {formatCount(i.rejectedCount - i.firstRejections.length)} more</li>
                          ) : null}
                        </ul>
                      ) : (
                        <span className="text-slate-500">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </>
  );
}
