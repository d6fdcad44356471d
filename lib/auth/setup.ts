import { recordAudit } from "../audit";
import { prisma } from "../db/prisma";
import { AuthError } from "./errors";
import { currentLock, recordFailure } from "./throttle";
import { hexDigestsEqual, randomToken, sha256Hex } from "./tokens";
import { countUsers, createUser, insertUser, prepareUser, type PublicUser } from "./users";

/**
 * First run: the first admin comes either from ADMIN_EMAIL/ADMIN_PASSWORD or from a one-time
 * setup link. Only sha256(token) is stored (settings key `setup_token_hash`).
 */
export const SETUP_TOKEN_KEY = "setup_token_hash";
const SETUP_LOCK = 72_707_370; // advisory lock id: concurrent completions take turns

/**
 * Call once at server start. Returns the one-time setup token to print as
 * `http://localhost:PORT/setup?token=…`, or null when there is nothing to set up (users exist,
 * or the admin was created from ADMIN_EMAIL/ADMIN_PASSWORD).
 */
export async function prepareFirstRun(): Promise<{ setupToken: string } | null> {
  const db = prisma();
  if ((await countUsers()) > 0) {
    await db.setting.deleteMany({ where: { key: SETUP_TOKEN_KEY } });
    return null;
  }
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  if (email && password) {
    try {
      await createUser({ email, password, role: "admin" }, { actor: "system" });
    } catch (e) {
      if (e instanceof AuthError && e.code === "conflict") return null; // another process won the race
      if (e instanceof AuthError) throw new AuthError(e.code, `ADMIN_EMAIL/ADMIN_PASSWORD: ${e.message}`, e.field);
      throw e;
    }
    await db.setting.deleteMany({ where: { key: SETUP_TOKEN_KEY } });
    return null;
  }
  const setupToken = randomToken(32);
  const value = sha256Hex(setupToken);
  await db.setting.upsert({
    where: { key: SETUP_TOKEN_KEY },
    create: { key: SETUP_TOKEN_KEY, value, updatedBy: "setup" },
    update: { value, updatedAt: new Date(), updatedBy: "setup" },
  });
  return { setupToken };
}

/** Whether the product still waits for its first admin. */
export async function setupPending(): Promise<boolean> {
  return (await countUsers()) === 0;
}

/**
 * Creates the first admin: only while no user exists and `token` matches the stored hash
 * (constant-time). The token is deleted, so it works once. With `address` (the client, see
 * throttle.ts) a wrong token counts as a failed attempt of that address, and a throttled address
 * gets AuthError("rate_limited") before anything is checked. Audited as "setup.complete".
 */
export async function completeSetup(token: string, email: string, password: string, opts: { address?: string } = {}): Promise<PublicUser> {
  if (opts.address !== undefined) {
    const lock = await currentLock({ address: opts.address });
    if (lock) throw new AuthError("rate_limited", lock.message, undefined, lock.retryAfterS);
  }
  if ((await countUsers()) > 0) throw new AuthError("setup_done", "setup is already complete; sign in instead");
  try {
    return await completeSetupUnthrottled(token, email, password);
  } catch (e) {
    if (e instanceof AuthError && e.code === "invalid_token" && opts.address !== undefined) {
      const lock = await recordFailure({ address: opts.address, kind: "setup" });
      if (lock) throw new AuthError("rate_limited", lock.message, undefined, lock.retryAfterS);
    }
    throw e;
  }
}

async function completeSetupUnthrottled(token: string, email: string, password: string): Promise<PublicUser> {
  // validate and hash before taking the lock (scrypt is deliberately slow)
  const prepared = await prepareUser({ email, password, role: "admin" });
  return prisma().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BigInt(SETUP_LOCK)})`;
    if ((await tx.user.count()) > 0) throw new AuthError("setup_done", "setup is already complete; sign in instead");
    const row = await tx.setting.findUnique({ where: { key: SETUP_TOKEN_KEY } });
    const stored = typeof row?.value === "string" ? row.value : "";
    const given = typeof token === "string" && token.length > 0 && token.length <= 200 ? sha256Hex(token) : "";
    if (!stored || !given || !hexDigestsEqual(stored, given)) {
      throw new AuthError("invalid_token", "the setup link is not valid; use the latest link printed by the server", "token");
    }
    const user = await insertUser(tx, prepared);
    await tx.setting.delete({ where: { key: SETUP_TOKEN_KEY } });
    await recordAudit({ actor: `user:${user.email}`, action: "setup.complete", target: `user:${user.email}`, details: { role: user.role } }, tx);
    return user;
  });
}
