"use client";

import Link from "next/link";
import { useEffect } from "react";

/** An unexpected failure (bad input is handled in the pages): say so plainly, offer a retry. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.warn("page error", error.digest ?? error.message);
  }, [error]);
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16">
      <div role="alert" className="rounded-xl border border-orange-400 bg-white p-6 shadow-sm">
        <h1 className="text-xl font-semibold text-slate-950">Something went wrong</h1>
        <p className="mt-2 text-sm text-slate-700">
          The page could not be loaded. If the database was just restarted, trying again usually works.
          {error.digest ? (
            <>
              {" "}
              Reference: <code className="rounded bg-slate-100 px-1">{error.digest}</code>
            </>
          ) : null}
        </p>
        <div className="mt-4 flex gap-3">
          <button
            type="button"
            onClick={reset}
            className="rounded-md bg-blue-800 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
          >
            Try again
          </button>
          <Link href="/" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50">
            Executive view
          </Link>
        </div>
      </div>
    </main>
  );
}
