import { requireApi } from "@/lib/auth/principal";
import { readQuery } from "@/lib/http/query";
import { errorResponse, json } from "@/lib/http/responses";
import { previewUpload } from "@/lib/ingest/preview";
import { ZUploadQuery } from "@/lib/ingest/upload-query";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const SAMPLE_LIMIT = 256 * 1024;

/**
 * POST /api/v1/uploads/preview (admin): the first bytes of a file → detected format, the first
 * rows as events, warnings. Nothing is stored.
 */
export async function POST(req: Request): Promise<Response> {
  const principal = await requireApi(req, "admin");
  if (principal instanceof Response) return principal;
  const q = readQuery(req, ZUploadQuery);
  if (q instanceof Response) return q;
  const body = new Uint8Array(await req.arrayBuffer());
  if (body.byteLength > SAMPLE_LIMIT) return errorResponse(413, "payload_too_large", `a preview sample is at most ${SAMPLE_LIMIT} bytes`);
  const sample = new TextDecoder("utf-8", { fatal: false }).decode(body);
  return json(await previewUpload(sample, { format: q.format === "auto" ? undefined : q.format, mapping: q.mapping, whole: q.whole === "true" }));
}
