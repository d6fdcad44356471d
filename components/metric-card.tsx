import Link from "next/link";
import type { ReactNode } from "react";
import type { Rate } from "@/lib/metrics/types";
import { formatCount, formatInterval, formatPercent } from "./format";

/** A rate as the pages show it: value (or "no data"), 95 % interval, the count behind it, pending. */
export function RateFigure({
  rate,
  testId,
  size = "lg",
  label,
  pendingNote = true,
}: {
  rate: Rate | undefined;
  testId: string;
  size?: "lg" | "md" | "sm";
  label?: ReactNode;
  pendingNote?: boolean;
}) {
  const value = rate?.value ?? null;
  const extra = rate as (Rate & { available?: false; reason?: string }) | undefined;
  const unavailable = extra?.available === false;
  const ci = formatInterval(rate?.ci95);
  const sizes = { lg: "text-3xl", md: "text-2xl", sm: "text-xl" };
  return (
    <div className="min-w-0">
      {label ? <p className="text-xs font-medium text-slate-600">{label}</p> : null}
      <p className={`${sizes[size]} font-semibold tabular-nums tracking-tight ${value === null ? "text-slate-500" : "text-slate-950"}`}>
        <span data-testid={`${testId}-value`}>{unavailable ? "not available" : formatPercent(value)}</span>
      </p>
      <p className="text-xs text-slate-600 tabular-nums">
        {unavailable ? (
          extra?.reason
        ) : (
          <>
            {ci ? <span data-testid={`${testId}-ci`}>95 % CI {ci}</span> : null}
            {ci ? " · " : ""}
            <span>
              {formatCount(rate?.numerator ?? 0)} / {formatCount(rate?.denominator ?? 0)}
            </span>
            {pendingNote && rate?.pending !== undefined ? (
              <>
                {" · "}
                <span data-testid={`${testId}-pending`}>{formatCount(rate.pending)} pending</span>
              </>
            ) : null}
          </>
        )}
      </p>
    </div>
  );
}

/** One executive card: title linking to its drill-down, target status, figures, a trend. */
export function MetricCard({
  id,
  title,
  subtitle,
  href,
  status,
  children,
  footer,
  className = "",
}: {
  id: string;
  title: string;
  subtitle?: ReactNode;
  href: string;
  status?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  className?: string;
}) {
  return (
    <section
      aria-labelledby={`${id}-title`}
      data-testid={`card-${id}`}
      className={`flex min-w-0 flex-col rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 ${className}`}
    >
      <div className="space-y-1.5">
        <div className="min-w-0">
          <h2 id={`${id}-title`} className="text-base font-semibold text-slate-950">
            <Link href={href} className="hover:text-blue-800 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700">
              {title}
            </Link>
          </h2>
          {subtitle ? <p className="text-xs text-slate-600">{subtitle}</p> : null}
        </div>
        {status ? <div className="flex flex-wrap gap-1.5">{status}</div> : null}
      </div>
      <div className="mt-3 flex-1 space-y-3">{children}</div>
      <div className="mt-3 flex flex-wrap items-center justify-between gap-2 border-t border-slate-100 pt-2 text-sm">
        <div className="text-xs text-slate-600">{footer}</div>
        <Link
          href={href}
          className="font-medium text-blue-800 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
        >
          Drill down<span className="sr-only"> into {title}</span> →
        </Link>
      </div>
    </section>
  );
}
