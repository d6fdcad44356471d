import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE, resolveSession } from "./sessions";
import { safeNext, withQuery } from "./http";
import { countUsers, type Role } from "./users";

/**
 * Auth for server components and server actions (uses next/headers; API route handlers use
 * principal.ts instead).
 */
export type PageUser = { userId: bigint; email: string; role: Role };

/** The signed-in user, or null. Never redirects. */
export async function currentUser(): Promise<PageUser | null> {
  const store = await cookies();
  const session = await resolveSession(store.get(SESSION_COOKIE)?.value);
  return session ? { userId: session.userId, email: session.email, role: session.role } : null;
}

/**
 * The signed-in user, or a redirect: to `/setup` while no user exists, to `/signin?next=<next>`
 * when signed out (pass the page's own path as `next`), and, with `admin: true`, viewers go to
 * `/signin?denied=admin&next=<next>`, which shows an "Admins only" notice. (Next 16's
 * `forbidden()` still needs the experimental `authInterrupts` flag, which we do not enable.)
 * Works in server actions too: call it first thing in every admin action.
 */
export async function requireUser(opts: { admin?: boolean; next?: string } = {}): Promise<PageUser> {
  const next = safeNext(opts.next);
  const user = await currentUser();
  if (!user) {
    if ((await countUsers()) === 0) redirect("/setup");
    redirect(withQuery("/signin", { next: next === "/" ? undefined : next }));
  }
  if (opts.admin && user.role !== "admin") redirect(withQuery("/signin", { denied: "admin", next }));
  return user;
}

/** Shorthand for `requireUser({ admin: true, next })`. */
export function requireAdmin(next?: string): Promise<PageUser> {
  return requireUser({ admin: true, next });
}
