import type { IncomingMessage } from "node:http";
import { requireApi } from "../auth/principal";
import { parseCookie, resolveSession, SESSION_COOKIE } from "../auth/sessions";

/**
 * Which requests may share a render (lib/web/shared-render.ts), and with whom.
 *
 * - The read-only dashboard pages, whose HTML depends on nothing but the URL (page, filters), the
 *   viewer's role (admin links and actions) and the data and settings at render time — not on who
 *   the viewer is: the header shows the signed-in email from a cookie in the browser
 *   (components/signed-in-as.tsx) for exactly this reason.
 * - The metrics API's reads, whose answer depends only on the URL: every caller allowed to read
 *   (a signed-in user, a key with scope `read`) gets the same JSON. The caller is judged by the
 *   route's own gate (`requireApi`) before it joins; one refused is left to the route, which
 *   answers 401 / 403 as api.md says.
 *
 * Settings and admin pages, sign-in and setup, every other API route, and client-side navigations
 * (RSC requests, prefetches, server actions) are handled per request as before.
 */
const SHARED_PAGES = [/^\/$/, /^\/(channels|ai-quality|cost|data-quality)$/, /^\/metrics\/[^/]+$/, /^\/conversations\/[^/]+$/];
const SHARED_API = new Set(["/api/v1/metrics", "/api/v1/metrics/timeseries"]);

/** Headers that make a request a client-side navigation or action rather than a page load. */
const NAVIGATION_HEADERS = ["rsc", "next-router-prefetch", "next-router-state-tree", "next-action", "next-router-segment-prefetch"];

/**
 * The sharing key of a request — what it reads, as whom (a page: the role; the API: any reader),
 * and the accepted encodings (the response may be compressed) — or null when it must be handled
 * alone: not a shared page or read, or a caller without a valid session or key (Next.js then
 * redirects it to sign-in or answers 401 / 403 as usual).
 */
export async function sharedRequestKey(req: IncomingMessage): Promise<string | null> {
  if (req.method !== "GET" || !req.url) return null;
  let url: URL;
  try {
    url = new URL(req.url, "http://localhost");
  } catch {
    return null;
  }
  const encoding = req.headers["accept-encoding"] ?? "";
  if (SHARED_API.has(url.pathname)) {
    const who = await requireApi(asRequest(req, url), "read").catch(() => null);
    if (!who || who instanceof Response) return null;
    return JSON.stringify(["api:read", encoding, url.pathname, url.search]);
  }
  if (!SHARED_PAGES.some((p) => p.test(url.pathname)) || url.searchParams.has("_rsc")) return null;
  if (NAVIGATION_HEADERS.some((h) => req.headers[h] !== undefined)) return null;
  const session = await resolveSession(parseCookie(req.headers.cookie, SESSION_COOKIE)).catch(() => null);
  if (!session) return null;
  return JSON.stringify([`page:${session.role}`, encoding, url.pathname, url.search]);
}

/** The headers `requireApi` reads, as the fetch Request the route handler would get. */
function asRequest(req: IncomingMessage, url: URL): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === "string") headers.set(k, v);
    else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
  }
  return new Request(url, { method: "GET", headers });
}
