import type { ReactNode } from "react";
import { CHANNELS, POPULATIONS } from "@/lib/events/vocabulary";
import { ParameterError } from "@/lib/metrics";
import type { PageUser } from "@/lib/auth/page";
import { AppHeader, type NavKey } from "./app-header";
import { EmptyState, ParameterErrorNotice } from "./empty-state";
import { FilterBar } from "./filters/filter-bar";
import type { ParsedFilters } from "./filters/params";
import { formatInstant } from "./format";
import { cachedFilterOptions, latestEvent, resolvePageRequest } from "./page-data";

/**
 * The frame of every dashboard page: header with navigation, title, the filter bar (when the
 * page takes filters), then the content — or, instead of it, the parameter error or the
 * empty-database state. `children` are only rendered (and their data loaded) when the filters
 * are valid.
 */
export async function PageFrame({
  user,
  current,
  title,
  description,
  filters,
  resetKeys,
  pathname,
  showWhenEmpty = false,
  children,
}: {
  user: PageUser;
  current: NavKey;
  title: string;
  description?: ReactNode;
  filters?: ParsedFilters;
  resetKeys?: string[];
  pathname: string;
  /** render the content even when no event is stored (data quality) */
  showWhenEmpty?: boolean;
  children: ReactNode;
}) {
  let error = filters && !filters.ok ? filters.error : null;
  let resolved = null;
  if (filters?.ok) {
    try {
      resolved = await resolvePageRequest(filters.query);
    } catch (e) {
      if (!(e instanceof ParameterError)) throw e;
      error = { parameter: e.parameter, message: e.message };
    }
  }
  // the latest event and the filter options are cached per data version (page-data.ts)
  const [latest, options, fallback] = await Promise.all([
    latestEvent(),
    filters ? cachedFilterOptions() : Promise.resolve({ customerTiers: [], topics: [] }),
    resolved || !filters ? Promise.resolve(null) : resolvePageRequest({}),
  ]);
  const range = resolved ?? fallback;
  const search = filters?.ok && !error ? filters.search : "";

  return (
    <>
      {/* no email: a dashboard page's HTML is shared by every viewer of the role (lib/web/shared-requests.ts) */}
      <AppHeader role={user.role} current={current} search={search} />
      <main id="main" className="mx-auto max-w-7xl space-y-5 px-4 py-5 sm:py-6">
        <div className="flex flex-wrap items-end justify-between gap-x-6 gap-y-1">
          <div className="min-w-0">
            <h1 className="text-2xl font-semibold tracking-tight text-slate-950">{title}</h1>
            {description ? <div className="mt-1 max-w-3xl text-sm text-slate-600">{description}</div> : null}
          </div>
          {range ? (
            <p className="text-xs text-slate-600" data-testid="as-of">
              {range.from} to {range.to} (UTC) · data as of {latest ? formatInstant(range.asOf) : "—"}
            </p>
          ) : null}
        </div>
        {filters && range ? (
          <FilterBar
            range={{ from: range.from, to: range.to }}
            asOfDate={range.asOf.toISOString().slice(0, 10)}
            channels={CHANNELS}
            populations={POPULATIONS}
            customerTiers={options.customerTiers}
            topics={options.topics}
            resetKeys={resetKeys}
          />
        ) : null}
        {error ? (
          <ParameterErrorNotice parameter={error.parameter} message={error.message} resetHref={pathname} />
        ) : !latest && !showWhenEmpty ? (
          <EmptyState anyData={false} />
        ) : (
          children
        )}
      </main>
    </>
  );
}

/** A titled white panel. */
export function Panel({
  title,
  id,
  description,
  actions,
  children,
  className = "",
  testId,
}: {
  title: ReactNode;
  id: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section aria-labelledby={id} data-testid={testId} className={`min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 ${className}`}>
      <div className="mb-3 flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 id={id} className="text-base font-semibold text-slate-950">
            {title}
          </h2>
          {description ? <div className="mt-0.5 text-sm text-slate-600">{description}</div> : null}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}
