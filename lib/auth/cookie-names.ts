/**
 * The cookies sign-in sets, in a module without server imports so the browser's header
 * (components/signed-in-as.tsx) can name them too.
 */
export const SESSION_COOKIE = "hsd_session";

/** The signed-in email the header shows (lib/auth/sessions.ts, emailCookieHeader). */
export const EMAIL_COOKIE = "hsd_email";
