import { AppHeader } from "@/components/app-header";
import { formatCount, formatPercent } from "@/components/format";
import { requireUser } from "@/lib/auth/page";
import { computeMetrics, type Segment } from "@/lib/metrics";
import { CHANNELS, POPULATIONS } from "@/lib/events/vocabulary";

export const dynamic = "force-dynamic";

/** Home: inbound and containment by channel × population for the last 28 days. */
export default async function HomePage() {
  const user = await requireUser({ next: "/" });
  const result = await computeMetrics({ group_by: ["channel", "population"] });
  const cell = (channel: string, population: string): Segment | undefined =>
    result.segments.find((s) => s.channel === channel && s.population === population);
  const channels = ["all", ...CHANNELS.filter((c) => result.segments.some((s) => s.channel === c))];
  const populations = ["all", ...POPULATIONS];
  const total = cell("all", "all");

  return (
    <>
      <AppHeader email={user.email} role={user.role} />
      <main className="mx-auto max-w-7xl px-4 py-6">
        <h1 className="text-2xl font-semibold">Inbound and containment</h1>
        <p className="mt-1 text-sm text-slate-600">
          {result.range.from} to {result.range.to} (UTC) · data as of {result.as_of.replace("T", " ").slice(0, 16)} UTC ·
          containment = share of conversations the AI handled alone (raw, not verified)
        </p>
        {total && total.metrics.inbound.value === 0 ? (
          <p className="mt-6 rounded border border-slate-200 bg-white p-4" data-testid="empty-state">
            No conversations in the last 28 days. Send events to <code>POST /api/v1/events</code> or run{" "}
            <code>npm run cli -- demo-data</code>.
          </p>
        ) : null}
        <div className="mt-6 overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm" data-testid="containment-table">
            <thead className="bg-slate-100 text-left">
              <tr>
                <th scope="col" className="px-3 py-2">Channel</th>
                {populations.map((p) => (
                  <th key={p} scope="col" className="px-3 py-2">{p === "all" ? "All populations" : p}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => (
                <tr key={c} className="border-t border-slate-100">
                  <th scope="row" className="px-3 py-2 text-left font-medium">{c === "all" ? "All channels" : c}</th>
                  {populations.map((p) => {
                    const s = cell(c, p);
                    return (
                      <td key={p} className="px-3 py-2 tabular-nums">
                        <span data-testid={`inbound-${c}-${p}`}>{formatCount(s?.metrics.inbound.value ?? 0)}</span>
                        <span className="ml-2 text-slate-500" data-testid={`containment-${c}-${p}`}>
                          {formatPercent(s?.metrics.containment_rate.value ?? null)}
                        </span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </main>
    </>
  );
}
