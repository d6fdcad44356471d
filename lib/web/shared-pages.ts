import type { IncomingMessage } from "node:http";
import { parseCookie, resolveSession, SESSION_COOKIE } from "../auth/sessions";

/**
 * Which requests may share a render (lib/web/shared-render.ts), and with whom.
 *
 * Only the read-only dashboard pages, whose HTML depends on nothing but the URL (page, filters),
 * the viewer's role (admin links and actions) and the data and settings at render time — not on
 * who the viewer is: the header shows the signed-in email from a cookie in the browser
 * (components/signed-in-as.tsx) for exactly this reason. Settings and admin pages, the sign-in
 * and setup pages, API routes and client-side navigations (RSC requests, prefetches, server
 * actions) are rendered per request as before.
 */
const SHARED_PATHS = [/^\/$/, /^\/(channels|ai-quality|cost|data-quality)$/, /^\/metrics\/[^/]+$/, /^\/conversations\/[^/]+$/];

/** Headers that make a request a client-side navigation or action rather than a page load. */
const NAVIGATION_HEADERS = ["rsc", "next-router-prefetch", "next-router-state-tree", "next-action", "next-router-segment-prefetch"];

export function isSharedPagePath(pathname: string): boolean {
  return SHARED_PATHS.some((p) => p.test(pathname));
}

/**
 * The sharing key of a page load — the role, the accepted encodings (the response may be
 * compressed) and the URL — or null when it must render alone: not a shared page, or no valid
 * session (Next.js then redirects it to sign-in as usual).
 */
export async function sharedPageKey(req: IncomingMessage): Promise<string | null> {
  if (req.method !== "GET" || !req.url) return null;
  if (NAVIGATION_HEADERS.some((h) => req.headers[h] !== undefined)) return null;
  let url: URL;
  try {
    url = new URL(req.url, "http://localhost");
  } catch {
    return null;
  }
  if (!isSharedPagePath(url.pathname) || url.searchParams.has("_rsc")) return null;
  const session = await resolveSession(parseCookie(req.headers.cookie, SESSION_COOKIE)).catch(() => null);
  if (!session) return null;
  return JSON.stringify([session.role, req.headers["accept-encoding"] ?? "", url.pathname, url.search]);
}
