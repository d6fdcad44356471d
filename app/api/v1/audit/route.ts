import { listAudit, ZAuditQuery } from "@/lib/audit";
import { requireApi } from "@/lib/auth/principal";
import { badRequest, json } from "@/lib/http/responses";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/v1/audit?limit=N&before=ID — the audit log, newest first. Admin session only: API keys
 * never get admin (403), anonymous 401. `limit` 1–500 (default 100); `before` an entry id for the
 * next page (the response's `next_before`). Unknown or bad parameters get 400 naming the parameter.
 */
export async function GET(req: Request): Promise<Response> {
  const principal = await requireApi(req, "admin");
  if (principal instanceof Response) return principal;
  const params: Record<string, string> = {};
  for (const [k, v] of new URL(req.url).searchParams) {
    if (k in params) return badRequest(`${k}: give it once`, { parameter: k });
    params[k] = v;
  }
  const parsed = ZAuditQuery.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const parameter = issue.code === "unrecognized_keys" ? String(issue.keys[0]) : String(issue.path[0] ?? "query");
    const message = issue.code === "unrecognized_keys" ? "unknown parameter (use limit and before)" : issue.message;
    return badRequest(`${parameter}: ${message}`, { parameter });
  }
  const { entries, nextBefore } = await listAudit({ limit: parsed.data.limit ?? 100, before: parsed.data.before });
  return json({ entries, next_before: nextBefore });
}
