import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16">
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-xl font-semibold text-slate-950">Not found</h1>
        <p className="mt-2 text-sm text-slate-700">
          There is no page, metric or conversation at this address. Metrics are named like the API’s keys, e.g.{" "}
          <code className="rounded bg-slate-100 px-1">/metrics/verified_resolution_rate</code>.
        </p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-blue-800 underline underline-offset-2">
          ← Executive view
        </Link>
      </div>
    </main>
  );
}
