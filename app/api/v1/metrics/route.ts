import { requireApi } from "@/lib/auth/principal";
import { queryRoute } from "@/lib/http/query";
import { jsonText } from "@/lib/http/responses";
import { computeMetricsJson, ZMetricsQuery } from "@/lib/metrics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/v1/metrics (api.md). Scope read, or any signed-in user. */
export async function GET(req: Request): Promise<Response> {
  const principal = await requireApi(req, "read");
  if (principal instanceof Response) return principal;
  return queryRoute(req, ZMetricsQuery, async (query) => jsonText(await computeMetricsJson(query)));
}
