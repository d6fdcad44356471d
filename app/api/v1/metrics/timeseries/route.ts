import { requireApi } from "@/lib/auth/principal";
import { badRequest, json } from "@/lib/http/responses";
import { ParameterError, parseQuery, searchParamsToRecord } from "@/lib/metrics";
import { computeTimeseries, ZTimeseriesQuery } from "@/lib/metrics/timeseries";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/v1/metrics/timeseries (api.md). Scope read, or any signed-in user. */
export async function GET(req: Request): Promise<Response> {
  const principal = await requireApi(req, "read");
  if (principal instanceof Response) return principal;
  try {
    const query = parseQuery(ZTimeseriesQuery, searchParamsToRecord(new URL(req.url).searchParams));
    return json(await computeTimeseries(query));
  } catch (e) {
    if (e instanceof ParameterError) return badRequest(e.message, { parameter: e.parameter });
    throw e;
  }
}
