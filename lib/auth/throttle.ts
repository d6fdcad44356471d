import { recordAudit } from "../audit";
import { prisma } from "../db/prisma";
import { normaliseEmail } from "./users";

/**
 * Sign-in rate limiting and lockout, backed by auth_failures (one row per failed attempt, keyed
 * `email:<normalised email>` or `addr:<client address>`).
 *
 * - more than EMAIL_MAX (5) failures for one email within WINDOW (15 min) lock that email for
 *   LOCK (15 min), counted from the failure that tripped it;
 * - more than ADDRESS_MAX (20) failures from one client address within 15 minutes throttle that
 *   address for 15 minutes (protects against one client spraying many emails);
 * - refused (locked) attempts are not recorded, so a lock ends on time even under attack;
 * - a successful sign-in clears that email's failures (not the address's).
 *
 * Unknown emails are counted exactly like known ones, so a lockout reveals nothing about which
 * accounts exist.
 */
export const WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;
export const EMAIL_MAX = 5;
export const ADDRESS_MAX = 20;

export type Lock = { scope: "email" | "address"; until: Date; retryAfterS: number; minutes: number; message: string };

/**
 * Pure: when a series of failure times trips the limit (more than `max` within `windowMs`),
 * the lock lasts `lockMs` from the tripping failure. Returns the latest lock end, or null.
 */
export function lockedUntil(times: Date[], max: number, windowMs = WINDOW_MS, lockMs = LOCK_MS): Date | null {
  const t = times.map((d) => d.getTime()).sort((a, b) => a - b);
  let until: number | null = null;
  let start = 0;
  for (let i = 0; i < t.length; i++) {
    while (t[i] - t[start] >= windowMs) start++;
    if (i - start + 1 > max) until = Math.max(until ?? 0, t[i] + lockMs);
  }
  return until === null ? null : new Date(until);
}

/** The client's address: the first X-Forwarded-For hop, else "local" (direct connections). */
export function clientAddress(headers: Headers): string {
  const xff = headers.get("x-forwarded-for");
  const first = xff?.split(",")[0]?.trim();
  if (first && first.length <= 100 && /^[0-9A-Za-z.:_\-[\]%]+$/.test(first)) return first.toLowerCase();
  return "local";
}

export const emailKey = (email: string) => `email:${normaliseEmail(email).slice(0, 254)}`;
export const addressKey = (address: string) => `addr:${address}`;

export function lockMessage(minutes: number): string {
  return `Too many failed attempts; try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

function toLock(scope: Lock["scope"], until: Date, now: Date): Lock {
  const retryAfterS = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const minutes = Math.max(1, Math.ceil(retryAfterS / 60));
  return { scope, until, retryAfterS, minutes, message: lockMessage(minutes) };
}

async function failureTimes(key: string, now: Date): Promise<Date[]> {
  const rows = await prisma().authFailure.findMany({
    where: { key, at: { gt: new Date(now.getTime() - WINDOW_MS - LOCK_MS) } },
    select: { at: true },
    orderBy: { at: "desc" },
    take: 500,
  });
  return rows.map((r) => r.at);
}

/** The lock in force for this email or address (email first), or null when an attempt may proceed. */
export async function currentLock(input: { email?: string | null; address: string }, now = new Date()): Promise<Lock | null> {
  if (input.email) {
    const until = lockedUntil(await failureTimes(emailKey(input.email), now), EMAIL_MAX);
    if (until && until > now) return toLock("email", until, now);
  }
  const until = lockedUntil(await failureTimes(addressKey(input.address), now), ADDRESS_MAX);
  if (until && until > now) return toLock("address", until, now);
  return null;
}

/**
 * Records one failed attempt (for the email when given, and for the address). When this failure
 * trips a lock, the lockout is written to the audit log (actor "system"). Returns the lock now
 * in force, if any, so the caller can say so at once.
 */
export async function recordFailure(input: { email?: string | null; address: string; kind?: "signin" | "setup" }, now = new Date()): Promise<Lock | null> {
  const db = prisma();
  const keys = [...(input.email ? [emailKey(input.email)] : []), addressKey(input.address)];
  const before = await currentLock(input, now);
  await db.authFailure.createMany({ data: keys.map((key) => ({ key, at: now })) });
  // housekeeping, now and then: rows older than a window plus a lock are never read again
  if (Math.random() < 0.05) await pruneFailures(now);
  const after = await currentLock(input, now);
  if (after && !before) {
    await recordAudit({
      actor: "system",
      action: after.scope === "email" ? "signin.lockout" : "signin.throttle_address",
      target: after.scope === "email" ? `user:${normaliseEmail(input.email ?? "")}` : `address:${input.address}`,
      details: { kind: input.kind ?? "signin", address: input.address, until: after.until, minutes: after.minutes },
    });
  }
  return after;
}

/** A successful sign-in forgets the email's failures. */
export async function clearFailures(email: string): Promise<void> {
  await prisma().authFailure.deleteMany({ where: { key: emailKey(email) } });
}

export async function pruneFailures(now = new Date()): Promise<void> {
  await prisma().authFailure.deleteMany({ where: { at: { lt: new Date(now.getTime() - WINDOW_MS - LOCK_MS) } } });
}
