import Link from "next/link";
import { SignedInAs } from "./signed-in-as";

export type NavKey = "executive" | "channels" | "ai-quality" | "cost" | "data-quality" | "upload" | "settings" | "keys" | "users" | "audit" | "erase" | "none";

const NAV: { key: NavKey; href: string; label: string; admin?: boolean; keepFilters?: boolean }[] = [
  { key: "executive", href: "/", label: "Executive", keepFilters: true },
  { key: "channels", href: "/channels", label: "Channels", keepFilters: true },
  { key: "ai-quality", href: "/ai-quality", label: "AI quality", keepFilters: true },
  { key: "cost", href: "/cost", label: "Cost", keepFilters: true },
  { key: "data-quality", href: "/data-quality", label: "Data quality", keepFilters: true },
  { key: "upload", href: "/admin/upload", label: "Upload", admin: true },
  { key: "settings", href: "/settings", label: "Settings", admin: true },
  { key: "users", href: "/admin/users", label: "Users", admin: true },
  { key: "keys", href: "/admin/keys", label: "API keys", admin: true },
  { key: "audit", href: "/admin/audit", label: "Audit log", admin: true },
  { key: "erase", href: "/admin/erase", label: "Erase", admin: true },
];

/**
 * Top bar on every signed-in page: every dashboard page, and for admins settings, users and API
 * keys. `search` (the page's filter params) is carried to the other dashboard pages. Without
 * `email` the browser shows it from its cookie (components/signed-in-as.tsx).
 */
export function AppHeader({ email, role, current = "none", search = "" }: { email?: string; role: string; current?: NavKey; search?: string }) {
  const items = NAV.filter((n) => !n.admin || role === "admin");
  return (
    <header className="border-b border-slate-200 bg-white">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow"
      >
        Skip to content
      </a>
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3">
        <Link
          href={search ? `/?${search}` : "/"}
          className="flex items-center gap-2 text-base font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
        >
          <span aria-hidden="true" className="inline-flex h-6 w-6 items-center justify-center rounded bg-blue-800 text-xs font-bold text-white">
            HS
          </span>
          Hybrid Support
        </Link>
        <form action="/api/auth/signout" method="post" className="flex items-center gap-3 text-sm sm:order-last">
          <SignedInAs email={email} role={role} />
          <button
            type="submit"
            className="rounded-md border border-slate-300 px-2.5 py-1 text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
          >
            Sign out
          </button>
        </form>
        {/* phones scroll the links sideways; wide screens wrap them, so the admin links at the end
            (audit log, erase) are never hidden behind a scroll nobody sees */}
        <nav aria-label="Main" className="relative -mx-1 w-full overflow-x-auto sm:mx-0 sm:w-auto sm:flex-1 lg:overflow-visible">
          <ul className="flex items-center gap-1 whitespace-nowrap text-sm lg:flex-wrap">
            {items.map((n) => {
              const active = n.key === current;
              return (
                <li key={n.key}>
                  <Link
                    href={n.keepFilters && search ? `${n.href}?${search}` : n.href}
                    aria-current={active ? "page" : undefined}
                    className={`block rounded-md px-2.5 py-1.5 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-700 ${
                      active ? "bg-blue-800 font-semibold text-white" : "text-slate-700 hover:bg-slate-100 hover:text-slate-950"
                    }`}
                  >
                    {n.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      </div>
    </header>
  );
}
