import { requireApi } from "@/lib/auth/principal";
import { config } from "@/lib/config";
import { BodyTooLarge, limitedBody } from "@/lib/http/body";
import { badRequest, errorResponse, json } from "@/lib/http/responses";
import { AtomicRejection, IngestParseError, ingestStream, type IngestFormat } from "@/lib/ingest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const FORMATS: Record<string, IngestFormat> = {
  "application/json": "json",
  "application/x-ndjson": "ndjson",
  "application/ndjson": "ndjson",
  "text/csv": "canonical",
};

/** POST /api/v1/events (api.md): JSON array, NDJSON or canonical CSV; ?atomic=true. Scope ingest. */
export async function POST(req: Request): Promise<Response> {
  const principal = await requireApi(req, "ingest");
  if (principal instanceof Response) return principal;

  const url = new URL(req.url);
  const atomicParam = url.searchParams.get("atomic");
  if (atomicParam !== null && atomicParam !== "true" && atomicParam !== "false") {
    return badRequest("atomic: must be true or false", { parameter: "atomic" });
  }
  const contentType = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const format = FORMATS[contentType];
  if (!format) {
    return errorResponse(415, "unsupported_media_type",
      `Content-Type must be application/json, application/x-ndjson or text/csv (got ${contentType || "none"})`);
  }
  const limit = config.maxUploadBytes;
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (declared > limit) return errorResponse(413, "payload_too_large", `body of ${declared} bytes exceeds the limit of ${limit} bytes`);

  try {
    const result = await ingestStream(limitedBody(req, limit), {
      format,
      atomic: atomicParam === "true",
      source: "api",
      createdBy: principal.kind === "key" ? `key:${principal.name}` : principal.email,
    });
    return json(result);
  } catch (e) {
    if (e instanceof BodyTooLarge) return errorResponse(413, "payload_too_large", e.message);
    if (e instanceof AtomicRejection) return errorResponse(400, "rejected", e.message, { rejected: e.result.rejected });
    if (e instanceof IngestParseError) return errorResponse(400, "unparseable", e.message);
    throw e;
  }
}
