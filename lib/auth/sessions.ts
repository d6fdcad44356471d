import { recordAudit, type AuditActor } from "../audit";
import { config } from "../config";
import { prisma } from "../db/prisma";
import { randomToken, sha256Hex } from "./tokens";
import { EMAIL_COOKIE, SESSION_COOKIE } from "./cookie-names";
import type { Role } from "./users";

/**
 * Browser sessions. The cookie carries 32 random bytes; the table holds only sha256(token), so
 * a leaked table (or backup) does not yield usable sessions. sha256 suffices here (unlike for
 * passwords): the token has 256 bits of entropy, so nothing can be guessed from its hash.
 */
export { EMAIL_COOKIE, SESSION_COOKIE };

export type SessionUser = { sessionId: bigint; userId: bigint; email: string; role: Role; expiresAt: Date };

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export async function createSession(userId: bigint): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + config.sessionDays * 24 * 60 * 60 * 1000);
  const db = prisma();
  await db.session.create({ data: { tokenHash: sha256Hex(token), userId, expiresAt } });
  // housekeeping: expired sessions of anyone are dead weight
  await db.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return { token, expiresAt };
}

/** The signed-in user for a cookie token, or null (unknown or expired; an expired one is deleted). */
export async function resolveSession(token: string | undefined | null): Promise<SessionUser | null> {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  const db = prisma();
  const row = await db.session.findUnique({ where: { tokenHash: sha256Hex(token) }, include: { user: true } });
  if (!row) return null;
  if (row.expiresAt.getTime() <= Date.now()) {
    await db.session.deleteMany({ where: { id: row.id } });
    return null;
  }
  return {
    sessionId: row.id,
    userId: row.userId,
    email: row.user.email,
    role: row.user.role === "admin" ? "admin" : "viewer",
    expiresAt: row.expiresAt,
  };
}

export async function destroySession(token: string | undefined | null): Promise<void> {
  if (!token || !TOKEN_SHAPE.test(token)) return;
  await prisma().session.deleteMany({ where: { tokenHash: sha256Hex(token) } });
}

/**
 * Signs a user out everywhere (all their sessions, this browser's too). Audited as
 * "sessions.end" when an actor is named (the admin pages and "sign out everywhere" always do).
 * Returns how many sessions ended.
 */
export async function destroyUserSessions(userId: bigint, audit?: { actor: AuditActor; email?: string }): Promise<number> {
  const { count } = await prisma().session.deleteMany({ where: { userId } });
  if (audit) {
    await recordAudit({ actor: audit.actor, action: "sessions.end", target: audit.email ? `user:${audit.email}` : `user_id:${userId}`, details: { sessions_ended: count } });
  }
  return count;
}

/** How many unexpired sessions a user has (shown on the users page). */
export async function countActiveSessions(): Promise<Map<bigint, number>> {
  const rows = await prisma().session.groupBy({ by: ["userId"], where: { expiresAt: { gt: new Date() } }, _count: { _all: true } });
  return new Map(rows.map((r) => [r.userId, r._count._all]));
}

// ---- cookie plumbing (pure; works on plain Request/Response) -------------------------------

/** True when the request reached us over https (directly or via a proxy's X-Forwarded-Proto). */
export function isHttps(req: Request): boolean {
  const forwarded = req.headers.get("x-forwarded-proto");
  if (forwarded) return forwarded.split(",")[0].trim().toLowerCase() === "https";
  try {
    return new URL(req.url).protocol === "https:";
  } catch {
    return false;
  }
}

export function sessionCookieHeader(token: string, expiresAt: Date, secure: boolean): string {
  return cookieHeader(SESSION_COOKIE, token, expiresAt, { httpOnly: true, secure });
}

export function clearSessionCookieHeader(secure: boolean): string {
  return cookieHeader(SESSION_COOKIE, "", new Date(0), { httpOnly: true, secure });
}

/**
 * The signed-in email for the page header to show (components/signed-in-as.tsx), set and cleared
 * with the session. It is readable by the page's own scripts — the browser's own user's email,
 * nothing a script on the page could not read from the page — so that the HTML of a dashboard
 * page does not name its viewer and viewers can share its render (lib/web/shared-requests.ts). It
 * grants nothing: every request is judged on the session alone.
 */

export function emailCookieHeader(email: string, expiresAt: Date, secure: boolean): string {
  return cookieHeader(EMAIL_COOKIE, encodeURIComponent(email), expiresAt, { httpOnly: false, secure });
}

export function clearEmailCookieHeader(secure: boolean): string {
  return cookieHeader(EMAIL_COOKIE, "", new Date(0), { httpOnly: false, secure });
}

function cookieHeader(name: string, value: string, expiresAt: Date, opts: { httpOnly: boolean; secure: boolean }): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return [
    `${name}=${value}`,
    "Path=/",
    `Expires=${expiresAt.toUTCString()}`,
    `Max-Age=${maxAge}`,
    ...(opts.httpOnly ? ["HttpOnly"] : []),
    "SameSite=Lax",
    ...(opts.secure ? ["Secure"] : []),
  ].join("; ");
}

/** One cookie's value from a Cookie header (undefined when absent). */
export function parseCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

export function sessionTokenFrom(req: Request): string | undefined {
  return parseCookie(req.headers.get("cookie"), SESSION_COOKIE);
}
