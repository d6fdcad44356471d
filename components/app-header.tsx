import Link from "next/link";

/** Top bar on every signed-in page. */
export function AppHeader({ email, role }: { email: string; role: string }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <nav className="flex flex-wrap items-center gap-4 text-sm" aria-label="Main">
          <Link href="/" className="font-semibold text-slate-900">Hybrid Support</Link>
          {role === "admin" && (
            <>
              <Link href="/admin/keys" className="text-slate-600 hover:text-slate-900">API keys</Link>
              <Link href="/admin/users" className="text-slate-600 hover:text-slate-900">Users</Link>
            </>
          )}
        </nav>
        <form action="/api/auth/signout" method="post" className="flex items-center gap-3 text-sm">
          <span className="text-slate-500">{email} · {role}</span>
          <button type="submit" className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100">Sign out</button>
        </form>
      </div>
    </header>
  );
}
