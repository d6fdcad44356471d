import type { Metadata } from "next";
import Link from "next/link";
import { CreateKeyForm } from "@/components/auth/CreateKeyForm";
import { AdminHeader, Alert, dangerButtonClass, formatDate, param, secondaryButtonClass, type SearchParams } from "@/components/auth/ui";
import { listApiKeys } from "@/lib/auth/api-keys";
import { requireUser } from "@/lib/auth/page";
import { createKeyAction, revokeKeyAction } from "./actions";

export const metadata: Metadata = { title: "API keys · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

export default async function ApiKeysPage({ searchParams }: { searchParams: SearchParams }) {
  const admin = await requireUser({ admin: true, next: "/admin/keys" });
  const sp = await searchParams;
  const keys = await listApiKeys();
  const revoked = param(sp.revoked);
  const error = param(sp.error);

  return (
    <>
      <AdminHeader current="keys" email={admin.email} />
      <main className="mx-auto max-w-5xl space-y-8 px-4 py-8">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
          <p className="mt-1 text-sm text-slate-600">
            Keys let scripts and integrations send events or read metrics. A key is shown once when created and stored
            only as a hash; revoke it the moment it may have leaked. Creations and revocations are recorded in the{" "}
            <Link href="/admin/audit" className="font-medium text-indigo-600 hover:text-indigo-500">
              audit log
            </Link>
            .
          </p>
        </div>

        {revoked ? <Alert tone="success">Key “{revoked}” is revoked. Requests using it now get 401.</Alert> : null}
        {error ? <Alert tone="error">{error === "not_found" ? "That key no longer exists." : "The action failed."}</Alert> : null}

        <section aria-labelledby="create-key" className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
          <h2 id="create-key" className="mb-4 text-base font-semibold">
            Create a key
          </h2>
          <CreateKeyForm action={createKeyAction} />
        </section>

        <section aria-labelledby="key-list" className="rounded-xl border border-slate-200 bg-white shadow-sm">
          <h2 id="key-list" className="border-b border-slate-200 px-5 py-3 text-base font-semibold">
            Keys <span className="text-sm font-normal text-slate-500">({keys.length})</span>
          </h2>
          {keys.length === 0 ? (
            <p className="px-5 py-6 text-sm text-slate-600">No keys yet.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                  <tr>
                    <th scope="col" className="px-5 py-2">Name</th>
                    <th scope="col" className="px-3 py-2">Prefix</th>
                    <th scope="col" className="px-3 py-2">Scopes</th>
                    <th scope="col" className="px-3 py-2">Created</th>
                    <th scope="col" className="px-3 py-2">Last used</th>
                    <th scope="col" className="px-3 py-2">Status</th>
                    <th scope="col" className="px-5 py-2 text-right"><span className="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {keys.map((k) => (
                    <tr key={k.id.toString()} className={k.revokedAt ? "text-slate-400" : undefined}>
                      <td className="px-5 py-3 font-medium">{k.name}</td>
                      <td className="px-3 py-3 font-mono text-xs">{k.prefix}…</td>
                      <td className="px-3 py-3">
                        <div className="flex gap-1">
                          {k.scopes.map((s) => (
                            <span key={s} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">
                              {s}
                            </span>
                          ))}
                        </div>
                      </td>
                      <td className="whitespace-nowrap px-3 py-3">
                        {formatDate(k.createdAt)}
                        {k.createdBy ? <span className="block text-xs text-slate-500">by {k.createdBy}</span> : null}
                      </td>
                      <td className="whitespace-nowrap px-3 py-3">{k.lastUsedAt ? formatDate(k.lastUsedAt) : "never"}</td>
                      <td className="whitespace-nowrap px-3 py-3">
                        {k.revokedAt ? (
                          <span>revoked {formatDate(k.revokedAt)}</span>
                        ) : (
                          <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700">active</span>
                        )}
                      </td>
                      <td className="px-5 py-3 text-right">
                        {k.revokedAt ? null : (
                          <details className="inline-block text-left">
                            <summary className={`${secondaryButtonClass} cursor-pointer list-none`}>Revoke…</summary>
                            <form action={revokeKeyAction} className="mt-2 flex items-center gap-2">
                              <input type="hidden" name="name" value={k.name} />
                              <button type="submit" className={dangerButtonClass}>
                                Revoke “{k.name}”
                              </button>
                            </form>
                          </details>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </main>
    </>
  );
}
