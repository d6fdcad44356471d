import { AppHeader } from "@/components/app-header";
import { requireUser } from "@/lib/auth/page";
import { eraseAction } from "./actions";

export const dynamic = "force-dynamic";

/** Erase a customer's data (admins): every metric afterwards is as if they had never been ingested. */
export default async function ErasePage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requireUser({ admin: true, next: "/admin/erase" });
  const sp = await searchParams;
  return (
    <>
      <AppHeader email={user.email} role={user.role} current="erase" />
      <main id="main" className="mx-auto max-w-3xl px-4 py-6">
        <h1 className="text-2xl font-semibold">Erase a customer</h1>
        <p className="mt-2 text-sm text-slate-600">
          Deletes the customer&apos;s conversations and events and recomputes everything derived from them, so every metric
          afterwards equals what it would be had this customer never been ingested. The audit log records that an erasure
          happened and how much it removed — never whose data. This cannot be undone (restore a backup to go back).
        </p>
        {sp.error && <p role="alert" className="mt-4 rounded border border-red-300 bg-red-50 p-3 text-sm text-red-900">✖ {sp.error}</p>}
        {sp.events !== undefined && (
          <p role="status" className="mt-4 rounded border border-blue-300 bg-blue-50 p-3 text-sm text-blue-900" data-testid="erase-result">
            ✓ Erased {sp.events} events; {sp.conversations} conversations deleted, {sp.recomputed} recomputed.
          </p>
        )}
        <form action={eraseAction} className="mt-6 space-y-4 rounded border border-slate-200 bg-white p-4">
          <label className="block text-sm">
            <span className="font-medium text-slate-700">Customer id (as sent in conversation_started)</span>
            <input name="customer_id" required maxLength={200} className="mt-1 w-full rounded border border-slate-300 px-2 py-1.5" />
          </label>
          <label className="block text-sm">
            <span className="font-medium text-slate-700">Type <code>erase</code> to confirm</span>
            <input name="confirm" required className="mt-1 w-full rounded border border-slate-300 px-2 py-1.5" autoComplete="off" />
          </label>
          <button type="submit" className="rounded bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800">Erase</button>
        </form>
      </main>
    </>
  );
}
