/** Small helpers shared by the auth route handlers (pure; plain Request/Response). */

/**
 * `next` when it is a same-site relative path ("/metrics?x=1"), else "/". Rejects absolute
 * URLs, protocol-relative "//host", backslash tricks and control characters.
 */
export function safeNext(next: unknown, fallback = "/"): string {
  if (typeof next !== "string" || next.length === 0 || next.length > 2000) return fallback;
  if (!next.startsWith("/") || next.startsWith("//") || /[\\\u0000-\u001f\u007f]/.test(next)) return fallback;
  try {
    const base = "http://same.invalid";
    const u = new URL(next, base);
    if (u.origin !== base) return fallback;
    return u.pathname + u.search + u.hash;
  } catch {
    return fallback;
  }
}

export type RequestInput = { kind: "form" | "json"; data: Record<string, unknown> };

/**
 * The body of a form post (urlencoded or multipart) or a JSON object. null when the body
 * cannot be read as either (the caller answers 400/415).
 */
export async function readInput(req: Request): Promise<RequestInput | { error: string; status: number }> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json") {
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return { error: "the body is not valid JSON", status: 400 };
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return { error: "the body must be a JSON object", status: 400 };
    }
    return { kind: "json", data: body as Record<string, unknown> };
  }
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    let form: FormData;
    try {
      form = await req.formData();
    } catch {
      return { error: "the form body could not be read", status: 400 };
    }
    const data: Record<string, unknown> = {};
    for (const [k, v] of form.entries()) if (typeof v === "string" && !(k in data)) data[k] = v;
    return { kind: "form", data };
  }
  return { error: "send application/json or a form (application/x-www-form-urlencoded)", status: 415 };
}

/** A 303 See Other to a same-site path, with optional Set-Cookie headers. */
export function seeOther(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(null, { status: 303, headers });
}

/** "/path?a=1" + {b: "2"} → "/path?a=1&b=2" (undefined values skipped). */
export function withQuery(path: string, params: Record<string, string | undefined>): string {
  const u = new URL(path, "http://same.invalid");
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") u.searchParams.set(k, v);
  return u.pathname + u.search;
}
