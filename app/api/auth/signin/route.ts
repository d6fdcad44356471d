import { z } from "zod";
import { errorResponse, json } from "@/lib/http/responses";
import { readInput, safeNext, seeOther, withQuery } from "@/lib/auth/http";
import { sameOrigin } from "@/lib/auth/principal";
import { createSession, emailCookieHeader, isHttps, sessionCookieHeader } from "@/lib/auth/sessions";
import { attemptSignIn } from "@/lib/auth/signin";
import { clientAddress } from "@/lib/auth/throttle";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const schema = z.object({
  email: z.string({ error: "is required" }).trim().min(1, "is required").max(254, "is too long"),
  password: z.string({ error: "is required" }).min(1, "is required").max(1024, "is too long"),
  next: z.string().optional(),
});

/**
 * POST email + password (a form, or JSON). Forms: 303 to `next` (a same-site path) or "/" with
 * the session cookie, or 303 back to /signin?error=… . JSON: 200 {user, next} with the cookie,
 * 400 naming a missing field, 401 for wrong credentials, 429 (with Retry-After) while the email
 * or the client address is locked after too many failures (lib/auth/throttle.ts); forms go back
 * to /signin?error=locked&retry=<minutes>.
 */
export async function POST(req: Request): Promise<Response> {
  const input = await readInput(req);
  if ("error" in input) return errorResponse(input.status, input.status === 415 ? "unsupported_media_type" : "bad_request", input.error);
  const isForm = input.kind === "form";
  const next = safeNext(input.data.next);
  const back = (error: string) => seeOther(withQuery("/signin", { error, next: next === "/" ? undefined : next }));

  if (!sameOrigin(req)) return isForm ? back("cross_site") : errorResponse(403, "forbidden", "cross-site request refused");

  const parsed = schema.safeParse(input.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? "body");
    return isForm ? back(`missing_${field === "password" ? "password" : "email"}`) : errorResponse(400, "bad_request", `${field}: ${issue.message}`, { field });
  }

  const result = await attemptSignIn({ email: parsed.data.email, password: parsed.data.password, address: clientAddress(req.headers) });
  if (!result.ok && result.reason === "locked") {
    if (isForm) return seeOther(withQuery("/signin", { error: "locked", retry: String(result.lock.minutes), next: next === "/" ? undefined : next }));
    const res = errorResponse(429, "too_many_attempts", result.lock.message);
    res.headers.set("retry-after", String(result.lock.retryAfterS));
    return res;
  }
  if (!result.ok) {
    return isForm ? back("invalid_credentials") : errorResponse(401, "invalid_credentials", "email or password is incorrect");
  }
  const user = result.user;
  const { token, expiresAt } = await createSession(user.id);
  const cookies = [sessionCookieHeader(token, expiresAt, isHttps(req)), emailCookieHeader(user.email, expiresAt, isHttps(req))];
  if (isForm) return seeOther(next, cookies);
  const res = json({ user: { email: user.email, role: user.role }, next });
  for (const c of cookies) res.headers.append("set-cookie", c);
  return res;
}
