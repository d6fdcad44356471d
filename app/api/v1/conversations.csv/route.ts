import { requireApi } from "@/lib/auth/principal";
import { CONVERSATION_COLUMNS, streamConversations, ZConversationListQuery } from "@/lib/conversations/query";
import { csvRow } from "@/lib/csv/write";
import { badRequest } from "@/lib/http/responses";
import { ParameterError, parseQuery, searchParamsToRecord } from "@/lib/metrics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/v1/conversations.csv (api.md): the derived per-conversation table for the same
 * filters as /metrics (plus metric/side to list the conversations behind one number), streamed.
 */
export async function GET(req: Request): Promise<Response> {
  const principal = await requireApi(req, "read");
  if (principal instanceof Response) return principal;
  let query;
  try {
    const params = searchParamsToRecord(new URL(req.url).searchParams);
    query = parseQuery(ZConversationListQuery.omit({ sort: true, dir: true, page: true, page_size: true }).strict(), params);
  } catch (e) {
    if (e instanceof ParameterError) return badRequest(e.message, { parameter: e.parameter });
    throw e;
  }
  const rows = streamConversations(query);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRow(CONVERSATION_COLUMNS)));
    },
    async pull(controller) {
      try {
        let chunk = "";
        for (let i = 0; i < 500; i++) {
          const next = await rows.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += csvRow(CONVERSATION_COLUMNS.map((c) => next.value[c]));
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="conversations.csv"`,
      "cache-control": "no-store",
    },
  });
}
