import { forbidden, unauthorized } from "../http/responses";
import { findActiveKey } from "./api-keys";
import { resolveSession, sessionTokenFrom } from "./sessions";

/** Who is making a request: a signed-in browser user or an API key. */
export type Principal =
  | { kind: "user"; userId: bigint; email: string; role: "admin" | "viewer" }
  | { kind: "key"; keyId: bigint; name: string; scopes: string[] };

export type Need = "read" | "ingest" | "admin";

/** Any signed-in user reads; a key needs scope `read`. */
export function canRead(p: Principal): boolean {
  return p.kind === "user" ? true : p.scopes.includes("read");
}

/** Only admins ingest through the browser; a key needs scope `ingest`. */
export function canIngest(p: Principal): boolean {
  return p.kind === "user" ? p.role === "admin" : p.scopes.includes("ingest");
}

/** Only admin users; keys never get admin. */
export function canAdmin(p: Principal): boolean {
  return p.kind === "user" && p.role === "admin";
}

export function allows(p: Principal, need: Need): boolean {
  return need === "read" ? canRead(p) : need === "ingest" ? canIngest(p) : canAdmin(p);
}

type AuthOutcome =
  | { principal: Principal }
  | { principal: null; reason: "absent" | "bad_key" | "bad_session" | "malformed_authorization" };

/**
 * Reads `Authorization: Bearer <key>` first (a request that sends one is judged on it alone,
 * even when it also carries a cookie), else the session cookie. Only the request's own headers
 * are used, so this runs without the Next runtime.
 */
async function authenticate(req: Request): Promise<AuthOutcome> {
  const authorization = req.headers.get("authorization");
  if (authorization !== null) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (!m) return { principal: null, reason: "malformed_authorization" };
    const key = await findActiveKey(m[1]);
    if (!key) return { principal: null, reason: "bad_key" };
    return { principal: { kind: "key", keyId: key.id, name: key.name, scopes: [...key.scopes] } };
  }
  const token = sessionTokenFrom(req);
  if (!token) return { principal: null, reason: "absent" };
  const session = await resolveSession(token);
  if (!session) return { principal: null, reason: "bad_session" };
  return { principal: { kind: "user", userId: session.userId, email: session.email, role: session.role } };
}

export async function authenticateRequest(req: Request): Promise<Principal | null> {
  return (await authenticate(req)).principal;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * False when a browser tells us (Origin header) that an unsafe request comes from another site.
 * A cookie-authenticated POST from elsewhere is refused even though SameSite=Lax already keeps
 * the cookie off most of them. Requests without Origin (curl, scripts) pass.
 */
export function sameOrigin(req: Request): boolean {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return true;
  const origin = req.headers.get("origin");
  if (!origin) return true;
  if (origin === "null") return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  const hosts = [req.headers.get("x-forwarded-host")?.split(",")[0].trim(), req.headers.get("host")];
  try {
    hosts.push(new URL(req.url).host);
  } catch {
    /* relative URL: rely on headers */
  }
  return hosts.some((h) => !!h && h.toLowerCase() === originHost);
}

/**
 * The gate for API route handlers: the Principal when it may do `need`, else api.md's error
 * envelope: 401 when credentials are absent or wrong (unknown/revoked key, expired session),
 * 403 when the role or scope does not allow the call.
 */
export async function requireApi(req: Request, need: Need): Promise<Principal | Response> {
  const outcome = await authenticate(req);
  const p = outcome.principal;
  if (!p) {
    switch (outcome.reason) {
      case "malformed_authorization":
        return unauthorized("the Authorization header must be `Bearer <api key>`");
      case "bad_key":
        return unauthorized("the API key is not valid or has been revoked");
      case "bad_session":
        return unauthorized("your session has expired or was signed out; sign in again");
      default:
        return unauthorized();
    }
  }
  if (p.kind === "user" && !sameOrigin(req)) return forbidden("cross-site request refused");
  if (allows(p, need)) return p;
  if (p.kind === "key") {
    return need === "admin"
      ? forbidden("API keys cannot perform admin actions; sign in as an admin")
      : forbidden(`this API key lacks the \`${need}\` scope`);
  }
  return need === "ingest"
    ? forbidden("only admins can upload data; viewers can read dashboards and metrics")
    : forbidden("admins only");
}

/** Narrowing helper for route handlers: `const p = await requireApi(req, "read"); if (isResponse(p)) return p;` */
export function isResponse(x: Principal | Response): x is Response {
  return x instanceof Response;
}

/** A short label for audit fields such as imports.created_by ("user:a@b.c", "key:ci-uploader"). */
export function principalLabel(p: Principal): string {
  return p.kind === "user" ? `user:${p.email}` : `key:${p.name}`;
}
