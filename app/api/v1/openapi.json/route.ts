import { authenticateRequest } from "@/lib/auth/principal";
import { json, unauthorized } from "@/lib/http/responses";
import { openApiDocument } from "@/lib/openapi/document";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/v1/openapi.json: any authenticated caller (every /api/v1 route needs credentials). */
export async function GET(req: Request): Promise<Response> {
  if (!(await authenticateRequest(req))) return unauthorized();
  return json(openApiDocument());
}
