import { Transform, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { recordAudit } from "@/lib/audit";
import { principalLabel, requireApi } from "@/lib/auth/principal";
import { config } from "@/lib/config";
import { BodyTooLarge, limitedBody } from "@/lib/http/body";
import { readQuery } from "@/lib/http/query";
import { errorResponse } from "@/lib/http/responses";
import { AtomicRejection, IngestParseError, ingestStream, type IngestFormat } from "@/lib/ingest";
import { saveMapping, savedMapping } from "@/lib/ingest/mappings";
import { detectFormat, isPresetName } from "@/lib/ingest/presets";
import { peekStream } from "@/lib/ingest/sources/peek";
import { formatOfDetected } from "@/lib/ingest/preview";
import { ZUploadQuery } from "@/lib/ingest/upload-query";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/v1/uploads (admin): a file streamed as the request body (CSV, NDJSON, JSON or a
 * helpdesk export; `.gz` accepted), never buffered whole. The response is NDJSON: progress lines
 * `{"type":"progress","rows":…,"bytes":…}` while rows are processed, then one
 * `{"type":"result",…}` (the POST /api/v1/events response plus import details) or
 * `{"type":"error","status":…,"message":…}`.
 */
export async function POST(req: Request): Promise<Response> {
  const principal = await requireApi(req, "admin");
  if (principal instanceof Response) return principal;
  const q = readQuery(req, ZUploadQuery);
  if (q instanceof Response) return q;
  const limit = config.maxUploadBytes;
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (declared > limit) {
    return errorResponse(413, "payload_too_large", `the file is ${declared} bytes; the limit is ${limit} bytes (MAX_UPLOAD_BYTES)`);
  }
  const fileName = q.file_name ?? "upload";
  const actor = principalLabel(principal);

  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  let input: Readable = limitedBody(req, limit).pipe(counter);
  if (fileName.toLowerCase().endsWith(".gz")) input = input.pipe(createGunzip());

  const encoder = new TextEncoder();
  const started = Date.now();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (o: unknown) => controller.enqueue(encoder.encode(JSON.stringify(o) + "\n"));
      try {
        const peeked = await peekStream(input);
        let format: IngestFormat;
        let presetFormat: "ndjson" | "json" | undefined;
        if (!q.format || q.format === "auto") {
          const detected = detectFormat(peeked.head);
          if (!detected) throw new IngestParseError("could not tell the file's format from its first bytes: choose one");
          ({ format, presetFormat } = formatOfDetected(detected));
        } else format = q.format;
        let mapping: unknown;
        if (isPresetName(format)) mapping = q.mapping !== undefined ? await saveMapping(format, q.mapping, actor) : await savedMapping(format);
        send({ type: "started", format, file_name: fileName });
        const result = await ingestStream(peeked.stream, {
          format,
          presetFormat,
          mapping,
          atomic: q.atomic === "true",
          source: "upload",
          fileName,
          createdBy: actor,
          onProgress: (rows) => send({ type: "progress", rows, bytes }),
        });
        const duration_ms = Date.now() - started;
        await recordAudit({ actor, action: "upload", target: fileName, details: { format, accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected.length, duration_ms } });
        send({ type: "result", format, duration_ms, bytes, ...result });
      } catch (e) {
        if (e instanceof BodyTooLarge) send({ type: "error", status: 413, code: "payload_too_large", message: e.message });
        else if (e instanceof AtomicRejection) send({ type: "error", status: 400, code: "rejected", message: e.message, rejected: e.result.rejected });
        else if (e instanceof IngestParseError) send({ type: "error", status: 400, code: "unparseable", message: e.message });
        else if ((e as NodeJS.ErrnoException).code?.startsWith("Z_")) send({ type: "error", status: 400, code: "unparseable", message: `not a valid .gz file: ${(e as Error).message}` });
        else {
          console.error("upload failed", e);
          send({ type: "error", status: 500, code: "internal", message: "the upload failed on the server; nothing from it was stored" });
        }
      } finally {
        controller.close();
      }
    },
  });
  return new Response(body, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
}
