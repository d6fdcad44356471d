"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useOptimistic, useState, useTransition } from "react";
import { CHANNEL_LABELS, POPULATION_LABELS } from "../format";

export interface FilterBarProps {
  /** resolved range (defaults applied) of the page's data */
  range: { from: string; to: string };
  /** the date of as_of (YYYY-MM-DD): presets end there */
  asOfDate: string;
  channels: readonly string[];
  populations: readonly string[];
  customerTiers: string[];
  topics: string[];
  /** page-specific params reset when a filter changes (e.g. the list's page number) */
  resetKeys?: string[];
}

const PRESETS = [7, 28, 90] as const;

function isoMinusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

const list = (v: string | null) => (v ? v.split(",").map((s) => s.trim()).filter(Boolean) : []);

const control =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 shadow-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-700";

/**
 * The filters of every page, kept in the URL: each change is a router.push, so links are
 * shareable and the back button restores the previous filters. The server validates them with
 * the API's schema; this component only writes them.
 */
export function FilterBar({ range, asOfDate, channels, populations, customerTiers, topics, resetKeys = ["page"] }: FilterBarProps) {
  const router = useRouter();
  const pathname = usePathname();
  const urlParams = useSearchParams();
  const [pending, startTransition] = useTransition();
  // the new filters show at once (checkboxes, selects), while the page loads behind them
  const [search, setOptimisticSearch] = useOptimistic(urlParams.toString());
  const params = new URLSearchParams(search);
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  useEffect(() => {
    setFrom(range.from);
    setTo(range.to);
  }, [range.from, range.to]);

  const push = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === "") next.delete(k);
      else next.set(k, v);
    }
    for (const k of resetKeys) next.delete(k);
    const s = next.toString();
    startTransition(() => {
      setOptimisticSearch(s);
      router.push(s ? `${pathname}?${s}` : pathname, { scroll: false });
    });
  };

  const selectedChannels = list(params.get("channel"));
  const days = Math.round((Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / 86_400_000) + 1;
  const activePreset = range.to === asOfDate ? PRESETS.find((p) => p === days) : undefined;

  const toggleChannel = (c: string, on: boolean) => {
    const set = new Set(selectedChannels);
    if (on) set.add(c);
    else set.delete(c);
    const ordered = channels.filter((x) => set.has(x));
    push({ channel: ordered.length ? ordered.join(",") : null });
  };

  const single = (key: string, label: string, options: readonly string[], names: Record<string, string> = {}) => {
    const current = list(params.get(key));
    const value = current.length === 0 ? "" : current.length === 1 ? current[0] : "__several";
    const id = `filter-${key}`;
    return (
      <div className="flex min-w-0 flex-col gap-1">
        <label htmlFor={id} className="text-xs font-medium text-slate-600">
          {label}
        </label>
        <select id={id} value={value} className={`${control} w-full sm:w-44`} onChange={(e) => push({ [key]: e.target.value || null })}>
          <option value="">All</option>
          {value === "__several" ? (
            <option value="__several" disabled>
              {current.join(", ")}
            </option>
          ) : null}
          {current.length === 1 && !options.includes(current[0]) ? <option value={current[0]}>{current[0]}</option> : null}
          {options.map((o) => (
            <option key={o} value={o}>
              {names[o] ?? o}
            </option>
          ))}
        </select>
      </div>
    );
  };

  return (
    <section aria-label="Filters" className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4" data-testid="filter-bar">
      <div className="flex flex-wrap items-end gap-x-6 gap-y-3">
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-xs font-medium text-slate-600">Date range (UTC)</legend>
          <div className="flex flex-wrap items-end gap-2">
            <div className="inline-flex overflow-hidden rounded-md border border-slate-300 shadow-sm" role="group" aria-label="Last N days">
              {PRESETS.map((p) => (
                <button
                  key={p}
                  type="button"
                  aria-pressed={activePreset === p}
                  onClick={() => push({ from: isoMinusDays(asOfDate, p - 1), to: asOfDate })}
                  className={`border-l border-slate-300 px-3 py-1.5 text-sm first:border-l-0 focus-visible:relative focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-blue-700 ${
                    activePreset === p ? "bg-blue-800 font-semibold text-white" : "bg-white text-slate-700 hover:bg-slate-50"
                  }`}
                >
                  {p} days
                </button>
              ))}
            </div>
            <form
              className="flex flex-wrap items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                push({ from, to });
              }}
            >
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
                From
                <input type="date" name="from" value={from} onChange={(e) => setFrom(e.target.value)} className={control} required />
              </label>
              <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
                To
                <input type="date" name="to" value={to} onChange={(e) => setTo(e.target.value)} className={control} required />
              </label>
              <button
                type="submit"
                className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-700"
              >
                Apply dates
              </button>
            </form>
          </div>
        </fieldset>

        <fieldset className="flex min-w-0 flex-col gap-1">
          <legend className="mb-1 text-xs font-medium text-slate-600">Channels {selectedChannels.length === 0 ? "(all)" : ""}</legend>
          <div className="flex flex-wrap gap-1.5">
            {channels.map((c) => {
              const on = selectedChannels.includes(c);
              return (
                <label
                  key={c}
                  className={`inline-flex cursor-pointer items-center gap-1.5 rounded-full border px-2.5 py-1 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-1 has-[:focus-visible]:outline-blue-700 ${
                    on ? "border-blue-800 bg-blue-50 font-medium text-blue-950" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50"
                  }`}
                >
                  <input
                    type="checkbox"
                    className="h-3.5 w-3.5 accent-blue-800"
                    checked={on}
                    onChange={(e) => toggleChannel(c, e.target.checked)}
                    name="channel"
                    value={c}
                  />
                  {CHANNEL_LABELS[c] ?? c}
                </label>
              );
            })}
          </div>
        </fieldset>

        <div className="grid w-full grid-cols-2 gap-3 sm:flex sm:w-auto sm:flex-wrap">
          {single("population", "Population", populations, POPULATION_LABELS)}
          {single("customer_tier", "Customer tier", customerTiers)}
          {single("topic", "Topic", topics)}
        </div>

        <div className="flex items-center gap-3 text-sm">
          <button
            type="button"
            onClick={() => push({ from: null, to: null, channel: null, population: null, customer_tier: null, topic: null })}
            className="rounded-md px-2 py-1.5 text-blue-800 underline underline-offset-2 hover:text-blue-950 focus-visible:outline-2 focus-visible:outline-blue-700"
          >
            Reset filters
          </button>
          <span role="status" aria-live="polite" className="text-slate-600" data-testid="filter-pending">
            {pending ? "Updating…" : ""}
          </span>
        </div>
      </div>
    </section>
  );
}
