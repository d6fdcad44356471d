import Link from "next/link";
import { withSearch } from "@/components/filters/params";
import { INTERVALS, type Interval } from "@/lib/metrics/timeseries";

/** Day / week / month for the drill-down's trend; week is the default and stays out of the URL. */
export function IntervalSwitch({ interval, path, fullSearch }: { interval: Interval; path: string; fullSearch: string }) {
  return (
    <div role="group" aria-label="Trend interval" className="inline-flex overflow-hidden rounded-md border border-slate-300 text-sm shadow-sm">
      {INTERVALS.map((i) => (
        <Link
          key={i}
          href={withSearch(path, fullSearch, { interval: i === "week" ? null : i })}
          scroll={false}
          aria-current={i === interval ? "true" : undefined}
          className={`border-l border-slate-300 px-3 py-1.5 first:border-l-0 focus-visible:relative focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-blue-700 ${
            i === interval ? "bg-blue-800 font-semibold text-white" : "bg-white text-slate-700 hover:bg-slate-50"
          }`}
        >
          {i === "day" ? "Day" : i === "week" ? "Week" : "Month"}
        </Link>
      ))}
    </div>
  );
}
