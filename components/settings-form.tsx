"use client";

import { useActionState } from "react";

export type SettingsFormState =
  | { status: "idle" }
  | { status: "saved"; values: Record<string, string>; at: string }
  | { status: "error"; errors: { field: string; message: string }[]; values: Record<string, string> };

export interface SettingsFormTarget {
  id: string;
  label: string;
  unit: "rate" | "seconds";
  gap: boolean;
  note?: string;
  min: number | null;
  max: number | null;
  defaultMin: number | null;
  defaultMax: number | null;
}

interface MetricSettingsValues {
  recontact_hours: number;
  verification_hours: number;
  ai_cost_per_conversation: number;
  human_cost_per_hour: number;
  human_cost_per_contact_fallback: number;
  baseline_cost_per_contact: number | null;
}

const INITIAL: SettingsFormState = { status: "idle" };

const inputBase =
  "block rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm tabular-nums text-slate-900 shadow-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-700 aria-[invalid=true]:border-orange-600 aria-[invalid=true]:bg-orange-50";
const input = `${inputBase} w-full`;
const button =
  "inline-flex items-center justify-center rounded-md px-4 py-2 text-sm font-semibold shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:cursor-not-allowed disabled:opacity-60";

/** Display a stored target bound in the form's unit (rates in percent, gap in points, times in seconds). */
function shown(v: number | null, unit: "rate" | "seconds"): string {
  if (v === null) return "";
  return unit === "rate" ? String(Number((v * 100).toFixed(4))) : String(v);
}

const unitSuffix = (t: SettingsFormTarget) => (t.unit === "seconds" ? "s" : t.gap ? "pts" : "%");

/**
 * The settings form: windows, cost inputs, targets. Posts to a server action that re-checks the
 * admin role and validates with zod; errors come back per field and are shown next to it.
 */
export function SettingsForm({
  action,
  restoreAction,
  restored,
  settings,
  defaults,
  targets,
}: {
  action: (state: SettingsFormState, form: FormData) => Promise<SettingsFormState>;
  restoreAction: () => Promise<void>;
  restored: boolean;
  settings: MetricSettingsValues;
  defaults: MetricSettingsValues;
  targets: SettingsFormTarget[];
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL);
  const errors = state.status === "error" ? state.errors : [];
  const errorOf = (field: string) => errors.find((e) => e.field === field)?.message;
  const values = state.status === "error" ? state.values : undefined;
  const initial = (field: string, fallback: string) => values?.[field] ?? fallback;

  const field = (name: keyof MetricSettingsValues, label: string, unit: string, hint: string, step = "any") => {
    const err = errorOf(name);
    const id = `setting-${name}`;
    return (
      <div className="space-y-1">
        <label htmlFor={id} className="block text-sm font-medium text-slate-800">
          {label} <span className="font-normal text-slate-500">({unit})</span>
        </label>
        <input
          id={id}
          name={name}
          inputMode="decimal"
          step={step}
          defaultValue={initial(name, settings[name] === null ? "" : String(settings[name]))}
          aria-invalid={err ? true : undefined}
          aria-describedby={`${id}-hint${err ? ` ${id}-error` : ""}`}
          className={input}
        />
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
        {err ? (
          <p id={`${id}-error`} className="text-xs font-semibold text-orange-800" data-testid={`error-${name}`}>
            <span aria-hidden="true">✕ </span>
            {err}
          </p>
        ) : null}
      </div>
    );
  };

  return (
    <div className="space-y-4">
      {restored && state.status === "idle" ? (
        <p role="status" className="rounded-md border border-blue-300 bg-blue-50 px-3 py-2 text-sm text-blue-950">
          <span aria-hidden="true">✓ </span>Defaults restored.
        </p>
      ) : null}
      {state.status === "saved" ? (
        <p role="status" className="rounded-md border border-blue-300 bg-blue-50 px-3 py-2 text-sm text-blue-950" data-testid="settings-saved">
          <span aria-hidden="true">✓ </span>Saved. Every page and the API use the new values now.
        </p>
      ) : null}
      {errors.length ? (
        <div role="alert" className="rounded-md border border-orange-400 bg-orange-50 px-3 py-2 text-sm text-orange-950" data-testid="settings-errors">
          <p className="font-semibold">Nothing was saved: fix {errors.length === 1 ? "this field" : `these ${errors.length} fields`}.</p>
          <ul className="mt-1 list-disc pl-5">
            {errors.map((e) => (
              <li key={e.field}>
                <code className="rounded bg-white px-1">{e.field}</code>: {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <form action={formAction} className="space-y-4" key={state.status === "saved" ? state.at : "form"} noValidate>
        <div className="grid gap-4 lg:grid-cols-2">
          <section aria-labelledby="windows-title" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
            <h2 id="windows-title" className="text-base font-semibold">Windows</h2>
            <p className="mb-3 text-sm text-slate-600">How long after a conversation ends a come-back still counts against it.</p>
            <div className="grid gap-4 sm:grid-cols-2">
              {field("recontact_hours", "Re-contact window", "hours", `Default ${defaults.recontact_hours} h. Used by re-contact rate.`, "1")}
              {field("verification_hours", "Verification window", "hours", `Default ${defaults.verification_hours} h. Used by verified resolution, deflection, FCR.`, "1")}
            </div>
          </section>
          <section id="cost" aria-labelledby="cost-title" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
            <h2 id="cost-title" className="text-base font-semibold">Cost inputs</h2>
            <p className="mb-3 text-sm text-slate-600">In your currency; the cost page and estimated savings use them.</p>
            <div className="grid gap-4 sm:grid-cols-2">
              {field("ai_cost_per_conversation", "AI cost per conversation", "per conversation", `Default ${defaults.ai_cost_per_conversation.toFixed(2)}.`)}
              {field("human_cost_per_hour", "Human cost per hour", "per hour", `Default ${defaults.human_cost_per_hour.toFixed(2)}.`)}
              {field("human_cost_per_contact_fallback", "Human cost per contact (fallback)", "per contact", `Default ${defaults.human_cost_per_contact_fallback.toFixed(2)}; used when no human time was logged.`)}
              {field("baseline_cost_per_contact", "Baseline cost per contact", "pre-AI, optional", "Empty = not set. With a baseline, the cost page estimates savings.")}
            </div>
          </section>
        </div>

        <section aria-labelledby="targets-title" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
          <h2 id="targets-title" className="text-base font-semibold">Targets</h2>
          <p className="mb-3 text-sm text-slate-600">
            Met when the value is at least the minimum and below the maximum; an empty box means no bound. Within 5 points
            (20 % for times) of a bound is a warning. Rates in percent, times in seconds.
          </p>
          <div className="relative overflow-x-auto">
            <table className="min-w-full text-sm">
              <caption className="sr-only">Targets with their minimum and maximum</caption>
              <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="py-2 pr-3">Target</th>
                  <th scope="col" className="px-2 py-2">Minimum</th>
                  <th scope="col" className="px-2 py-2">Maximum</th>
                  <th scope="col" className="px-2 py-2">Default</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {targets.map((t) => {
                  const cells = (["min", "max"] as const).map((side) => {
                    const name = `target.${t.id}.${side}`;
                    const err = errorOf(name);
                    const id = `t-${t.id}-${side}`;
                    return (
                      <td key={side} className="px-2 py-2 align-top">
                        <div className="flex items-center gap-1">
                          <label htmlFor={id} className="sr-only">
                            {t.label}, {side === "min" ? "minimum" : "maximum"} ({unitSuffix(t)})
                          </label>
                          <input
                            id={id}
                            name={name}
                            inputMode="decimal"
                            defaultValue={initial(name, shown(side === "min" ? t.min : t.max, t.unit))}
                            aria-invalid={err ? true : undefined}
                            aria-describedby={err ? `${id}-error` : undefined}
                            className={`${inputBase} w-24`}
                          />
                          <span className="text-xs text-slate-600" aria-hidden="true">
                            {unitSuffix(t)}
                          </span>
                        </div>
                        {err ? (
                          <p id={`${id}-error`} className="mt-1 max-w-48 text-xs font-semibold text-orange-800">
                            {err}
                          </p>
                        ) : null}
                      </td>
                    );
                  });
                  const def = [
                    t.defaultMin !== null ? `≥ ${shown(t.defaultMin, t.unit)}` : null,
                    t.defaultMax !== null ? `< ${shown(t.defaultMax, t.unit)}` : null,
                  ]
                    .filter(Boolean)
                    .join(", ");
                  return (
                    <tr key={t.id}>
                      <th scope="row" className="py-2 pr-3 text-left align-top font-medium">
                        {t.label}
                        {t.note ? <span className="block text-xs font-normal text-slate-600">{t.note}</span> : null}
                      </th>
                      {cells}
                      <td className="whitespace-nowrap px-2 py-2 align-top text-xs text-slate-600">
                        {def} {unitSuffix(t)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>

        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" disabled={pending} className={`${button} bg-blue-800 text-white hover:bg-blue-700`}>
            {pending ? "Saving…" : "Save settings"}
          </button>
        </div>
      </form>

      <form action={restoreAction} className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm">
        <p className="mb-2 text-slate-700">Restore the spec’s defaults for every window, cost input and target (removes all stored settings).</p>
        <button type="submit" className={`${button} border border-slate-300 bg-white text-slate-800 hover:bg-slate-50`}>
          Restore defaults
        </button>
      </form>
    </div>
  );
}
