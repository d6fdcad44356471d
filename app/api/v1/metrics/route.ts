import { requireApi } from "@/lib/auth/principal";
import { badRequest, json } from "@/lib/http/responses";
import { computeMetrics, ParameterError, parseQuery, searchParamsToRecord, ZMetricsQuery } from "@/lib/metrics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/v1/metrics (api.md). Scope read, or any signed-in user. */
export async function GET(req: Request): Promise<Response> {
  const principal = await requireApi(req, "read");
  if (principal instanceof Response) return principal;
  try {
    const query = parseQuery(ZMetricsQuery, searchParamsToRecord(new URL(req.url).searchParams));
    return json(await computeMetrics(query));
  } catch (e) {
    if (e instanceof ParameterError) return badRequest(e.message, { parameter: e.parameter });
    throw e;
  }
}
