import type { Metadata } from "next";
import { CreateUserForm } from "@/components/auth/CreateUserForm";
import {
  AdminHeader,
  Alert,
  dangerButtonClass,
  formatDate,
  inputClass,
  param,
  secondaryButtonClass,
  SignOutEverywhereButton,
  type SearchParams,
} from "@/components/auth/ui";
import Link from "next/link";
import { requireUser } from "@/lib/auth/page";
import { countActiveSessions } from "@/lib/auth/sessions";
import { listUsers } from "@/lib/auth/users";
import { createUserAction, deleteUserAction, endSessionsAction, setRoleAction } from "./actions";

export const metadata: Metadata = { title: "Users · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  last_admin: "That would leave no admin. Make another user an admin first.",
  not_found: "That user no longer exists.",
  invalid_input: "Choose admin or viewer.",
};

export default async function UsersPage({ searchParams }: { searchParams: SearchParams }) {
  const admin = await requireUser({ admin: true, next: "/admin/users" });
  const sp = await searchParams;
  const [users, sessions] = await Promise.all([listUsers(), countActiveSessions()]);
  const adminCount = users.filter((u) => u.role === "admin").length;
  const error = param(sp.error);
  const updated = param(sp.updated);
  const ended = param(sp.ended);

  return (
    <>
      <AdminHeader current="users" email={admin.email} />
      <main className="mx-auto max-w-5xl space-y-8 px-4 py-8">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
          <p className="mt-1 text-sm text-slate-600">
            <strong>Admins</strong> can do everything: upload data, change settings, manage users and API keys.{" "}
            <strong>Viewers</strong> read dashboards and metrics. There is always at least one admin. Changing a role or
            deleting a user ends their sessions. Every change is in the{" "}
            <Link href="/admin/audit" className="font-medium text-indigo-600 hover:text-indigo-500">
              audit log
            </Link>
            .
          </p>
        </div>

        {error ? <Alert tone="error">{ERRORS[error] ?? "The action failed."}</Alert> : null}
        {updated ? <Alert tone="success">Updated the role of {updated}; their sessions have ended.</Alert> : null}
        {ended ? (
          <Alert tone="success">
            Ended {param(sp.count) ?? "all"} session(s) of {ended}. They must sign in again.
          </Alert>
        ) : null}

        <section aria-labelledby="my-account" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <h2 id="my-account" className="text-base font-semibold">
            Your account
          </h2>
          <div className="mt-2 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
            <p>
              Signed in as <strong className="text-slate-900">{admin.email}</strong>. Lost a laptop or signed in on a shared
              computer? End all of your sessions, this one included.
            </p>
            <SignOutEverywhereButton />
          </div>
        </section>
        {param(sp.deleted) ? <Alert tone="success">User deleted; their sessions have ended.</Alert> : null}

        <section aria-labelledby="create-user" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <h2 id="create-user" className="mb-4 text-base font-semibold">
            Add a user
          </h2>
          <CreateUserForm action={createUserAction} />
        </section>

        <section aria-labelledby="user-list" className="rounded-xl border border-slate-200 bg-white shadow-sm">
          <h2 id="user-list" className="border-b border-slate-200 px-5 py-3 text-base font-semibold">
            Accounts <span className="text-sm font-normal text-slate-500">({users.length})</span>
          </h2>
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-5 py-2">Email</th>
                  <th scope="col" className="px-3 py-2">Role</th>
                  <th scope="col" className="px-3 py-2">Created</th>
                  <th scope="col" className="px-3 py-2">Sessions</th>
                  <th scope="col" className="px-5 py-2 text-right"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {users.map((u) => {
                  const isSelf = u.id === admin.userId;
                  const lastAdmin = u.role === "admin" && adminCount <= 1;
                  const id = u.id.toString();
                  return (
                    <tr key={id}>
                      <td className="px-5 py-3 font-medium">
                        {u.email}
                        {isSelf ? <span className="ml-2 text-xs font-normal text-slate-500">(you)</span> : null}
                      </td>
                      <td className="px-3 py-3">
                        <form action={setRoleAction} className="flex items-center gap-2">
                          <input type="hidden" name="id" value={id} />
                          <label htmlFor={`role-${id}`} className="sr-only">
                            Role of {u.email}
                          </label>
                          <select
                            id={`role-${id}`}
                            name="role"
                            defaultValue={u.role}
                            disabled={lastAdmin}
                            className={`${inputClass} w-28 py-1`}
                          >
                            <option value="viewer">viewer</option>
                            <option value="admin">admin</option>
                          </select>
                          {lastAdmin ? (
                            <span className="text-xs text-slate-500">last admin</span>
                          ) : (
                            <button type="submit" className={secondaryButtonClass}>
                              Save<span className="sr-only"> role of {u.email}</span>
                            </button>
                          )}
                        </form>
                      </td>
                      <td className="whitespace-nowrap px-3 py-3">{formatDate(u.createdAt)}</td>
                      <td className="whitespace-nowrap px-3 py-3">
                        <span className="mr-2 tabular-nums">{sessions.get(u.id) ?? 0}</span>
                        {(sessions.get(u.id) ?? 0) > 0 && !isSelf ? (
                          <form action={endSessionsAction} className="inline">
                            <input type="hidden" name="id" value={id} />
                            <button type="submit" className={secondaryButtonClass}>
                              End sessions<span className="sr-only"> of {u.email}</span>
                            </button>
                          </form>
                        ) : null}
                      </td>
                      <td className="px-5 py-3 text-right">
                        {lastAdmin ? null : (
                          <details className="inline-block text-left">
                            <summary className={`${secondaryButtonClass} cursor-pointer list-none`}>
                              Delete…<span className="sr-only"> {u.email}</span>
                            </summary>
                            <form action={deleteUserAction} className="mt-2">
                              <input type="hidden" name="id" value={id} />
                              <button type="submit" className={dangerButtonClass}>
                                {isSelf ? "Delete my account" : `Delete ${u.email}`}
                              </button>
                            </form>
                          </details>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      </main>
    </>
  );
}
