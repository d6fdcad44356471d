/** The one place HTTP responses are shaped: api.md's `{"error": {"code", "message"}}` envelope. */
export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return jsonText(JSON.stringify(data), status, headers);
}

/** An already serialised JSON body (cached answers). */
export function jsonText(body: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

export function errorResponse(status: number, code: string, message: string, extra: Record<string, unknown> = {}): Response {
  return json({ error: { code, message, ...extra } }, status);
}

export const unauthorized = (message = "sign in or send an API key as Authorization: Bearer <key>") =>
  errorResponse(401, "unauthorized", message);
export const forbidden = (message: string) => errorResponse(403, "forbidden", message);
export const badRequest = (message: string, extra: Record<string, unknown> = {}) =>
  errorResponse(400, "bad_request", message, extra);
