/** What to do when there is nothing to show: load events or demo data. */
export function EmptyState({ title = "No conversations in this selection", reason, anyData = true }: { title?: string; reason?: string; anyData?: boolean }) {
  return (
    <div data-testid="empty-state" className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-700">
      <p className="text-base font-semibold text-slate-900">{anyData ? title : "No data yet"}</p>
      <p className="mt-1">
        {anyData
          ? (reason ?? "No conversation started in this date range with these filters. Widen the range or reset the filters.")
          : "Nothing has been ingested yet. Load conversation events to see the metrics:"}
      </p>
      <ul className="mt-3 list-disc space-y-1 pl-5">
        <li>
          Upload a file: <code className="rounded bg-slate-100 px-1">npm run cli -- ingest events.csv</code> (CSV, NDJSON or JSON)
        </li>
        <li>
          Send events over HTTP: <code className="rounded bg-slate-100 px-1">POST /api/v1/events</code> with an API key of scope
          ingest
        </li>
        <li>
          Try it with synthetic data: <code className="rounded bg-slate-100 px-1">npm run cli -- demo-data</code>
        </li>
      </ul>
    </div>
  );
}

/** A bad URL parameter: the API's message, naming the parameter, and a way out. */
export function ParameterErrorNotice({ parameter, message, resetHref }: { parameter: string; message: string; resetHref: string }) {
  return (
    <div role="alert" data-testid="parameter-error" className="rounded-xl border border-orange-400 bg-orange-50 p-4 text-sm text-orange-950">
      <p className="font-semibold">
        <span aria-hidden="true">✕ </span>The filter <code className="rounded bg-white px-1">{parameter}</code> is not valid
      </p>
      <p className="mt-1">{message}</p>
      <p className="mt-2">
        <a href={resetHref} className="font-medium text-blue-800 underline underline-offset-2">
          Show the page without filters
        </a>
      </p>
    </div>
  );
}
