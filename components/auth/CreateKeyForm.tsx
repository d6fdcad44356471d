"use client";

import { useActionState } from "react";
import { CopyButton } from "./CopyButton";
import type { CreateKeyState } from "./types";
import { inputClass, primaryButtonClass } from "./ui";

const INITIAL: CreateKeyState = { status: "idle" };

/**
 * Name + scope checkboxes. After creation the plaintext key is shown here exactly once: it
 * lives only in this form's state (and, without client JS, in that one response's HTML).
 */
export function CreateKeyForm({ action }: { action: (state: CreateKeyState, form: FormData) => Promise<CreateKeyState> }) {
  const [state, formAction, pending] = useActionState(action, INITIAL);
  const error = state.status === "error" ? state : null;
  const scopes = error ? error.scopes : ["read"];
  return (
    <div className="space-y-4">
      {state.status === "created" ? (
        <div role="status" className="rounded-lg border border-emerald-200 bg-emerald-50 p-4">
          <p className="text-sm font-semibold text-emerald-900">
            Key “{state.name}” created ({state.scopes.join(", ")})
          </p>
          <p className="mt-1 text-sm text-emerald-900">
            Copy it now. It is stored only as a hash and will not be shown again.
          </p>
          <div className="mt-3 flex items-center gap-2">
            <label htmlFor="new-api-key" className="sr-only">
              New API key
            </label>
            <input
              id="new-api-key"
              readOnly
              value={state.key}
              className={`${inputClass} font-mono text-xs`}
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={state.key} />
          </div>
          <p className="mt-2 text-xs text-emerald-800">
            Use it as <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>.
          </p>
        </div>
      ) : null}
      <form action={formAction} className="grid gap-4 sm:grid-cols-[1fr_auto_auto] sm:items-end" aria-describedby={error ? "create-key-error" : undefined}>
        <div className="space-y-1.5">
          <label htmlFor="key-name" className="block text-sm font-medium text-slate-700">
            Name
          </label>
          <input
            id="key-name"
            name="name"
            required
            maxLength={64}
            placeholder="e.g. zendesk-export"
            defaultValue={error?.name}
            key={state.status === "created" ? state.key : "form"}
            aria-invalid={error?.field === "name" ? true : undefined}
            className={inputClass}
          />
        </div>
        <fieldset className="flex gap-4 pb-2">
          <legend className="sr-only">Scopes</legend>
          {(["read", "ingest"] as const).map((s) => (
            <label key={s} className="flex items-center gap-2 text-sm text-slate-700">
              <input
                type="checkbox"
                name="scopes"
                value={s}
                defaultChecked={scopes.includes(s)}
                className="h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-500"
              />
              <span>
                <span className="font-medium">{s}</span>
                <span className="sr-only">{s === "read" ? " (query metrics and exports)" : " (send events)"}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <button type="submit" className={primaryButtonClass} disabled={pending}>
          {pending ? "Creating…" : "Create key"}
        </button>
      </form>
      {error ? (
        <p id="create-key-error" role="alert" className="text-sm font-medium text-red-600">
          {error.message}
        </p>
      ) : null}
      <p className="text-xs text-slate-500">
        <strong>read</strong>: query metrics, time series and exports. <strong>ingest</strong>: send events to{" "}
        <code className="font-mono">POST /api/v1/events</code>.
      </p>
    </div>
  );
}
