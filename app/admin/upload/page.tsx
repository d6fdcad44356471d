import { AppHeader } from "@/components/app-header";
import { formatCount } from "@/components/format";
import { requireUser } from "@/lib/auth/page";
import { prisma } from "@/lib/db/prisma";
import { savedMapping } from "@/lib/ingest/mappings";
import { PRESETS } from "@/lib/ingest/presets";
import { config } from "@/lib/config";
import { UploadPanel, type PresetInfo } from "./upload-panel";

export const dynamic = "force-dynamic";

/** Upload page (admins): stream a file in, preview it first, see what was rejected and why. */
export default async function UploadPage() {
  const user = await requireUser({ admin: true, next: "/admin/upload" });
  const presets: PresetInfo[] = await Promise.all(
    Object.values(PRESETS).map(async (p) => {
      const saved = (await savedMapping(p.name)) as Record<string, unknown>;
      return {
        name: p.name,
        label: p.label,
        cannotKnow: p.cannotKnow,
        mapping: JSON.stringify(Object.keys(saved).length ? saved : p.defaultMapping, null, 2),
      };
    }),
  );
  const history = await prisma().import.findMany({ orderBy: { startedAt: "desc" }, take: 30 });

  return (
    <>
      <AppHeader email={user.email} role={user.role} current="upload" />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        <h1 className="text-2xl font-semibold">Upload data</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Canonical events (CSV, NDJSON, JSON) or a helpdesk export (Zendesk, Freshdesk, Intercom), optionally gzip-compressed,
          up to {formatCount(Math.round(config.maxUploadBytes / 1024 / 1024))} MB. Re-uploading an overlapping export never
          double-counts: every event has a stable id.
        </p>
        <UploadPanel presets={presets} maxBytes={config.maxUploadBytes} />

        <h2 className="mt-10 text-lg font-semibold">Upload history</h2>
        <div className="mt-3 overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm" data-testid="import-history">
            <thead className="bg-slate-100 text-left">
              <tr>
                {["When (UTC)", "Who", "File", "Format", "Status", "Accepted", "Duplicates", "Rejected", "Duration"].map((h) => (
                  <th key={h} scope="col" className="px-3 py-2 font-medium">{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {history.length === 0 ? (
                <tr><td colSpan={9} className="px-3 py-4 text-slate-500">Nothing imported yet.</td></tr>
              ) : (
                history.map((i) => (
                  <tr key={String(i.id)} className="border-t border-slate-100">
                    <td className="px-3 py-2 tabular-nums">{i.startedAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                    <td className="px-3 py-2">{i.createdBy ?? "—"}</td>
                    <td className="px-3 py-2">{i.fileName ?? "—"}</td>
                    <td className="px-3 py-2">{i.format}</td>
                    <td className="px-3 py-2">{i.status}</td>
                    <td className="px-3 py-2 tabular-nums">{formatCount(i.accepted)}</td>
                    <td className="px-3 py-2 tabular-nums">{formatCount(i.duplicates)}</td>
                    <td className="px-3 py-2 tabular-nums">{formatCount(i.rejectedCount)}</td>
                    <td className="px-3 py-2 tabular-nums">
                      {i.finishedAt ? `${((i.finishedAt.getTime() - i.startedAt.getTime()) / 1000).toFixed(1)} s` : "—"}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </main>
    </>
  );
}
