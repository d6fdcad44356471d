"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { currentUser } from "./page";
import { EMAIL_COOKIE, SESSION_COOKIE, destroyUserSessions } from "./sessions";

/**
 * "Sign out everywhere" for the signed-in user: ends every session of theirs (other browsers and
 * this one), clears the cookie and goes to /signin. A server action, so Next's own Origin/Host
 * check applies (see docs/security.md); any signed-in user may call it for themselves only.
 * Use it as `<form action={signOutEverywhereAction}>` (components/auth/ui.tsx has a button).
 */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await currentUser();
  if (user) await destroyUserSessions(user.userId, { actor: `user:${user.email}`, email: user.email });
  const jar = await cookies();
  jar.delete(SESSION_COOKIE);
  jar.delete(EMAIL_COOKIE);
  redirect("/signin?signed_out=everywhere");
}
