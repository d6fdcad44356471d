"use client";

import { useSyncExternalStore } from "react";
import { EMAIL_COOKIE } from "@/lib/auth/cookie-names";

const subscribe = () => () => {};

function emailFromCookie(): string | null {
  const prefix = `${EMAIL_COOKIE}=`;
  const hit = document.cookie.split("; ").find((c) => c.startsWith(prefix));
  if (!hit) return null;
  try {
    return decodeURIComponent(hit.slice(prefix.length)) || null;
  } catch {
    return null;
  }
}

/**
 * "email · role" in the header. Dashboard pages are rendered once for every viewer of the same
 * role (lib/web/shared-requests.ts), so their HTML carries only the role and the email comes from the
 * `hsd_email` cookie set at sign-in; pages rendered per viewer pass it in.
 */
export function SignedInAs({ email, role }: { email?: string; role: string }) {
  const fromCookie = useSyncExternalStore(subscribe, emailFromCookie, () => null);
  const shown = email ?? fromCookie;
  return (
    <span className="hidden text-slate-600 sm:inline" data-testid="signed-in-as">
      {shown ? `${shown} · ${role}` : role}
    </span>
  );
}
