import type { Metadata } from "next";
import Link from "next/link";
import { AdminHeader, Alert, formatDate, param, secondaryButtonClass, type SearchParams } from "@/components/auth/ui";
import { listAudit, ZAuditQuery } from "@/lib/audit";
import { requireUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Audit log · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 50;

function detailsText(details: Record<string, unknown>): string {
  const entries = Object.entries(details);
  if (entries.length === 0) return "";
  return entries.map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`).join(" · ");
}

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const admin = await requireUser({ admin: true, next: "/admin/audit" });
  const sp = await searchParams;
  const parsed = ZAuditQuery.safeParse({ before: param(sp.before) });
  const before = parsed.success ? parsed.data.before : undefined;
  const { entries, nextBefore } = await listAudit({ limit: PAGE_SIZE, before });

  return (
    <>
      <AdminHeader current="audit" email={admin.email} />
      <main id="main" className="mx-auto max-w-6xl space-y-6 px-4 py-8">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
          <p className="mt-1 text-sm text-slate-600">
            Who did what, newest first: users and roles, sessions ended, API keys, sign-in lockouts, setup, uploads,
            settings and erasures. Also available as JSON at <code className="font-mono text-xs">GET /api/v1/audit</code>{" "}
            (admin session).
          </p>
        </div>
        {!parsed.success ? <Alert tone="error">That page link is not valid; showing the newest entries.</Alert> : null}
        <section aria-labelledby="audit-list" className="rounded-xl border border-slate-200 bg-white shadow-sm">
          <h2 id="audit-list" className="sr-only">
            Entries
          </h2>
          {entries.length === 0 ? (
            <p className="px-5 py-6 text-sm text-slate-600">No entries{before ? " before this point" : " yet"}.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                  <tr>
                    <th scope="col" className="px-5 py-2">When</th>
                    <th scope="col" className="px-3 py-2">Who</th>
                    <th scope="col" className="px-3 py-2">Action</th>
                    <th scope="col" className="px-3 py-2">Target</th>
                    <th scope="col" className="px-5 py-2">Details</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {entries.map((e) => (
                    <tr key={e.id} data-testid="audit-row">
                      <td className="whitespace-nowrap px-5 py-2.5 tabular-nums">
                        <time dateTime={e.at}>{formatDate(new Date(e.at))}</time>
                      </td>
                      <td className="whitespace-nowrap px-3 py-2.5">{e.actor}</td>
                      <td className="whitespace-nowrap px-3 py-2.5 font-mono text-xs">{e.action}</td>
                      <td className="px-3 py-2.5">{e.target ?? "—"}</td>
                      <td className="max-w-md break-words px-5 py-2.5 text-xs text-slate-600">{detailsText(e.details)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <nav aria-label="Audit log pages" className="flex items-center justify-between text-sm">
          {before ? (
            <Link href="/admin/audit" className={secondaryButtonClass}>
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {nextBefore ? (
            <Link href={`/admin/audit?before=${nextBefore}`} className={secondaryButtonClass}>
              Older →
            </Link>
          ) : null}
        </nav>
      </main>
    </>
  );
}
