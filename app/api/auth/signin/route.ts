import { z } from "zod";
import { errorResponse, json } from "@/lib/http/responses";
import { readInput, safeNext, seeOther, withQuery } from "@/lib/auth/http";
import { sameOrigin } from "@/lib/auth/principal";
import { createSession, isHttps, sessionCookieHeader } from "@/lib/auth/sessions";
import { verifyCredentials } from "@/lib/auth/users";

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
 * 400 naming a missing field, 401 for wrong credentials.
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

  const user = await verifyCredentials(parsed.data.email, parsed.data.password);
  if (!user) {
    return isForm ? back("invalid_credentials") : errorResponse(401, "invalid_credentials", "email or password is incorrect");
  }
  const { token, expiresAt } = await createSession(user.id);
  const cookie = sessionCookieHeader(token, expiresAt, isHttps(req));
  if (isForm) return seeOther(next, [cookie]);
  const res = json({ user: { email: user.email, role: user.role }, next });
  res.headers.append("set-cookie", cookie);
  return res;
}
