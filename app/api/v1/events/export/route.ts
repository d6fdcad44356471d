import { requireApi } from "@/lib/auth/principal";
import { exportEventsCsv, exportEventsNdjson } from "@/lib/export/events";
import { badRequest } from "@/lib/http/responses";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/v1/events/export?format=canonical|ndjson: every stored event, streamed (scope read). */
export async function GET(req: Request): Promise<Response> {
  const principal = await requireApi(req, "read");
  if (principal instanceof Response) return principal;
  const params = new URL(req.url).searchParams;
  for (const k of params.keys()) if (k !== "format") return badRequest(`${k}: unknown parameter`, { parameter: k });
  const format = params.get("format") ?? "canonical";
  if (format !== "canonical" && format !== "ndjson") return badRequest("format: must be canonical or ndjson", { parameter: "format" });
  const lines = format === "canonical" ? exportEventsCsv() : exportEventsNdjson();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let chunk = "";
        for (let i = 0; i < 1000; i++) {
          const next = await lines.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += next.value;
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const csv = format === "canonical";
  return new Response(body, {
    headers: {
      "content-type": csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="events.${csv ? "csv" : "ndjson"}"`,
      "cache-control": "no-store",
    },
  });
}
