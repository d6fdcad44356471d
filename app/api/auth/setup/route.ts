import { z } from "zod";
import { AuthError } from "@/lib/auth/errors";
import { readInput, seeOther, withQuery } from "@/lib/auth/http";
import { sameOrigin } from "@/lib/auth/principal";
import { createSession, emailCookieHeader, isHttps, sessionCookieHeader } from "@/lib/auth/sessions";
import { completeSetup } from "@/lib/auth/setup";
import { clientAddress } from "@/lib/auth/throttle";
import { emailSchema, passwordSchema } from "@/lib/auth/users";
import { errorResponse, json } from "@/lib/http/responses";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const schema = z.object({
  token: z.string({ error: "is required" }).trim().min(1, "is required").max(200, "is too long"),
  email: emailSchema,
  password: passwordSchema,
});

/**
 * POST token, email, password (form or JSON): creates the first admin (only while no user
 * exists and the one-time token matches), signs them in and 303s to "/". Errors: forms go back
 * to /setup?token=…&error=<field or code>; JSON gets 400/403/409 naming the field.
 */
export async function POST(req: Request): Promise<Response> {
  const input = await readInput(req);
  if ("error" in input) return errorResponse(input.status, input.status === 415 ? "unsupported_media_type" : "bad_request", input.error);
  const isForm = input.kind === "form";
  const token = typeof input.data.token === "string" ? input.data.token.trim() : "";
  const email = typeof input.data.email === "string" ? input.data.email : undefined;
  const back = (error: string) => seeOther(withQuery("/setup", { token: token || undefined, error, email }));

  if (!sameOrigin(req)) return isForm ? back("cross_site") : errorResponse(403, "forbidden", "cross-site request refused");

  const parsed = schema.safeParse(input.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? "body");
    return isForm ? back(field) : errorResponse(400, "bad_request", `${field}: ${issue.message}`, { field });
  }

  try {
    const user = await completeSetup(parsed.data.token, parsed.data.email, parsed.data.password, { address: clientAddress(req.headers) });
    const { token: sessionToken, expiresAt } = await createSession(user.id);
    const cookies = [sessionCookieHeader(sessionToken, expiresAt, isHttps(req)), emailCookieHeader(user.email, expiresAt, isHttps(req))];
    if (isForm) return seeOther("/", cookies);
    const res = json({ user: { email: user.email, role: user.role } }, 201);
    for (const c of cookies) res.headers.append("set-cookie", c);
    return res;
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    if (isForm) return back(e.code === "invalid_input" ? (e.field ?? "invalid_input") : e.code);
    if (e.code === "rate_limited") {
      const res = errorResponse(429, "too_many_attempts", e.message);
      res.headers.set("retry-after", String(e.retryAfterS ?? 900));
      return res;
    }
    const status = e.code === "invalid_token" ? 403 : e.code === "setup_done" || e.code === "conflict" ? 409 : 400;
    return errorResponse(status, e.code, e.message, e.field ? { field: e.field } : {});
  }
}
