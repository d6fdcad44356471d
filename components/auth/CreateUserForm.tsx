"use client";

import { useActionState } from "react";
import type { CreateUserState } from "./types";
import { inputClass, primaryButtonClass } from "./ui";

const INITIAL: CreateUserState = { status: "idle" };

export function CreateUserForm({ action }: { action: (state: CreateUserState, form: FormData) => Promise<CreateUserState> }) {
  const [state, formAction, pending] = useActionState(action, INITIAL);
  const error = state.status === "error" ? state : null;
  return (
    <div className="space-y-3">
      {state.status === "created" ? (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Created {state.role} <strong>{state.email}</strong>. Share the password with them through a safe channel.
        </p>
      ) : null}
      <form
        action={formAction}
        key={state.status === "created" ? state.email : "form"}
        className="grid gap-4 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end"
      >
        <div className="space-y-1.5">
          <label htmlFor="new-user-email" className="block text-sm font-medium text-slate-700">
            Email
          </label>
          <input
            id="new-user-email"
            name="email"
            type="email"
            required
            autoComplete="off"
            defaultValue={error?.email}
            aria-invalid={error?.field === "email" ? true : undefined}
            className={inputClass}
          />
        </div>
        <div className="space-y-1.5">
          <label htmlFor="new-user-password" className="block text-sm font-medium text-slate-700">
            Initial password
          </label>
          <input
            id="new-user-password"
            name="password"
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
            aria-invalid={error?.field === "password" ? true : undefined}
            aria-describedby="new-user-password-hint"
            className={inputClass}
          />
        </div>
        <div className="space-y-1.5">
          <label htmlFor="new-user-role" className="block text-sm font-medium text-slate-700">
            Role
          </label>
          <select id="new-user-role" name="role" defaultValue={error?.role ?? "viewer"} className={inputClass}>
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </select>
        </div>
        <button type="submit" className={primaryButtonClass} disabled={pending}>
          {pending ? "Creating…" : "Create user"}
        </button>
      </form>
      <p id="new-user-password-hint" className="text-xs text-slate-500">
        At least 8 characters. Viewers read dashboards and metrics; admins also upload data and manage settings, users
        and keys.
      </p>
      {error ? (
        <p role="alert" className="text-sm font-medium text-red-600">
          {error.message}
        </p>
      ) : null}
    </div>
  );
}
