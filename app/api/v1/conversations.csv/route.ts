import { requireApi } from "@/lib/auth/principal";
import { CONVERSATION_COLUMNS, streamConversations, ZConversationListQuery, type ConversationRow } from "@/lib/conversations/query";
import { csvRow } from "@/lib/csv/write";
import { queryRoute } from "@/lib/http/query";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/v1/conversations.csv (api.md): the derived per-conversation table for the same
 * filters as /metrics (plus metric/side to list the conversations behind one number), streamed.
 */
export async function GET(req: Request): Promise<Response> {
  const principal = await requireApi(req, "read");
  if (principal instanceof Response) return principal;
  const schema = ZConversationListQuery.omit({ sort: true, dir: true, page: true, page_size: true }).strict();
  return queryRoute(req, schema, async (query) => csvResponse(await streamConversations(query)));
}

function csvResponse(rows: AsyncGenerator<ConversationRow>): Response {
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
