/** Shown while a page's data loads: the page's shape, so nothing jumps when it arrives. */
export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="min-h-screen">
      <span className="sr-only">Loading the dashboard…</span>
      <div className="h-[57px] border-b border-slate-200 bg-white" />
      <div className="mx-auto max-w-7xl animate-pulse space-y-5 px-4 py-6" aria-hidden="true">
        <div className="h-7 w-64 rounded bg-slate-200" />
        <div className="h-4 w-full max-w-xl rounded bg-slate-200" />
        <div className="h-28 rounded-xl border border-slate-200 bg-white" />
        <div className="grid gap-4 lg:grid-cols-2">
          {Array.from({ length: 4 }, (_, i) => (
            <div key={i} className="space-y-3 rounded-xl border border-slate-200 bg-white p-5">
              <div className="h-4 w-40 rounded bg-slate-200" />
              <div className="h-8 w-28 rounded bg-slate-200" />
              <div className="h-36 rounded bg-slate-100" />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
