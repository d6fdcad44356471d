import { seeOther } from "@/lib/auth/http";
import { sameOrigin } from "@/lib/auth/principal";
import { clearEmailCookieHeader, clearSessionCookieHeader, destroySession, isHttps, sessionTokenFrom } from "@/lib/auth/sessions";
import { errorResponse } from "@/lib/http/responses";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST: ends this browser's session, clears the cookie, 303 to /signin. */
export async function POST(req: Request): Promise<Response> {
  if (!sameOrigin(req)) return errorResponse(403, "forbidden", "cross-site request refused");
  await destroySession(sessionTokenFrom(req));
  return seeOther("/signin?signed_out=1", [clearSessionCookieHeader(isHttps(req)), clearEmailCookieHeader(isHttps(req))]);
}
