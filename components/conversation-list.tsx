import Link from "next/link";
import type { ConversationPage, ConversationRow } from "@/lib/conversations/query";
import { withSearch } from "./filters/params";
import { channelLabel, formatCount, formatDuration, formatInstant, populationLabel } from "./format";

type Col = { key: keyof ConversationRow & string; label: string; kind: "id" | "time" | "text" | "bool" | "duration" | "int" | "population" | "channel" };

const COLUMNS: Col[] = [
  { key: "conversation_id", label: "Conversation", kind: "id" },
  { key: "started_at", label: "Started", kind: "time" },
  { key: "channel", label: "Channel", kind: "channel" },
  { key: "population", label: "Population", kind: "population" },
  { key: "topic", label: "Topic", kind: "text" },
  { key: "resolved", label: "Resolved", kind: "bool" },
  { key: "verified_resolved", label: "Verified", kind: "bool" },
  { key: "window_closed", label: "Window closed", kind: "bool" },
  { key: "first_response_s", label: "First response", kind: "duration" },
  { key: "escalation_wait_s", label: "Escalation wait", kind: "duration" },
  { key: "human_handle_s", label: "Human handle", kind: "duration" },
  { key: "csat_score", label: "CSAT", kind: "int" },
];

function cell(row: ConversationRow, c: Col) {
  const v = row[c.key];
  if (v === null || v === undefined) return <span className="text-slate-400">—</span>;
  switch (c.kind) {
    case "time":
      return formatInstant(v as Date);
    case "bool":
      return v ? "yes" : "no";
    case "duration":
      return formatDuration(Number(v));
    case "population":
      return populationLabel(String(v));
    case "channel":
      return channelLabel(String(v));
    default:
      return String(v);
  }
}

/**
 * A page of the conversations behind a number: sortable headers, pagination and the CSV export
 * (/api/v1/conversations.csv with the same filters, metric and side) — all plain links.
 */
export function ConversationList({
  page,
  basePath,
  search,
  sortable,
  sort,
  dir,
  csvHref,
  pageParam = "page",
}: {
  page: ConversationPage;
  basePath: string;
  /** the page's full query string (filters plus list params) */
  search: string;
  sortable: readonly string[];
  sort: string;
  dir: "asc" | "desc";
  csvHref: string;
  pageParam?: string;
}) {
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const first = page.total === 0 ? 0 : (page.page - 1) * page.pageSize + 1;
  const last = Math.min(page.total, page.page * page.pageSize);
  const link = (extra: Record<string, string | number | null>) => withSearch(basePath, search, extra);
  const linkClass =
    "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-700";
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <p className="text-slate-700" data-testid="list-total">
          {page.total === 0 ? "No conversations" : `${formatCount(first)}–${formatCount(last)} of ${formatCount(page.total)} conversations`}
        </p>
        <a href={csvHref} download className={linkClass} data-testid="csv-export">
          <span aria-hidden="true">⤓ </span>Export CSV ({formatCount(page.total)} rows)
        </a>
      </div>
      <div className="relative overflow-x-auto rounded-lg border border-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="conversation-list">
          <caption className="sr-only">Conversations, sorted by {sort} {dir === "asc" ? "ascending" : "descending"}</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              {COLUMNS.map((c) => {
                const active = sort === c.key;
                const canSort = sortable.includes(c.key);
                return (
                  <th
                    key={c.key}
                    scope="col"
                    aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}
                    className="whitespace-nowrap px-3 py-2"
                  >
                    {canSort ? (
                      <Link
                        href={link({ sort: c.key, dir: active && dir === "desc" ? "asc" : "desc", [pageParam]: null })}
                        scroll={false}
                        className="inline-flex items-center gap-1 hover:text-slate-950 focus-visible:outline-2 focus-visible:outline-blue-700"
                      >
                        {c.label}
                        <span aria-hidden="true">{active ? (dir === "asc" ? "▲" : "▼") : "↕"}</span>
                        <span className="sr-only">, sort {active && dir === "desc" ? "ascending" : "descending"}</span>
                      </Link>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white">
            {page.rows.map((r) => (
              <tr key={String(r.conversation_id)} className="hover:bg-slate-50">
                {COLUMNS.map((c) => (
                  <td key={c.key} className="whitespace-nowrap px-3 py-1.5 tabular-nums">
                    {c.kind === "id" ? (
                      <Link
                        href={`/conversations/${encodeURIComponent(String(r.conversation_id))}`}
                        className="font-medium text-blue-800 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-blue-700"
                      >
                        {String(r.conversation_id)}
                      </Link>
                    ) : (
                      cell(r, c)
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 ? (
        <nav aria-label="Pages of the conversation list" className="flex flex-wrap items-center justify-between gap-2 text-sm">
          {page.page > 1 ? (
            <Link href={link({ [pageParam]: page.page - 1 })} scroll={false} className={linkClass} rel="prev">
              ← Previous
            </Link>
          ) : (
            <span />
          )}
          <span className="text-slate-600">
            Page {formatCount(page.page)} of {formatCount(pages)}
          </span>
          {page.page < pages ? (
            <Link href={link({ [pageParam]: page.page + 1 })} scroll={false} className={linkClass} rel="next">
              Next →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </div>
  );
}
