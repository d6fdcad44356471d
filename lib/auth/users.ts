import { z } from "zod";
import { recordAudit, type AuditActor } from "../audit";
import { prisma } from "../db/prisma";
import type { Prisma, PrismaClient } from "../generated/prisma/client";
import { AuthError, fromZodIssues } from "./errors";
import { dummyHash, hashPassword, needsRehash, verifyPassword } from "./password";

export const ROLES = ["admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export type PublicUser = { id: bigint; email: string; role: Role; createdAt: Date };

type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Who makes a change, for the audit log: "user:<email>" from the admin pages, "system" at first
 * start. Defaults to "cli": the command line is the one caller that does not name itself.
 */
export type ActorOpt = { actor?: AuditActor };
const actorOf = (opts?: ActorOpt): AuditActor => opts?.actor ?? "cli";

export const emailSchema = z
  .string({ error: "is required" })
  .trim()
  .toLowerCase()
  .max(254, "must be at most 254 characters")
  .pipe(z.email({ error: "enter a valid email address" }));

export const passwordSchema = z
  .string({ error: "is required" })
  .min(8, "must be at least 8 characters")
  .max(1024, "must be at most 1024 characters");

export const roleSchema = z.enum(ROLES, { error: 'must be "admin" or "viewer"' });

export const newUserSchema = z.object({ email: emailSchema, password: passwordSchema, role: roleSchema });
export type NewUser = z.input<typeof newUserSchema>;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function toPublic(u: { id: bigint; email: string; role: string; createdAt: Date }): PublicUser {
  return { id: u.id, email: u.email, role: u.role === "admin" ? "admin" : "viewer", createdAt: u.createdAt };
}

function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";
}

/** Validates the input and hashes the password (slow: do it outside any transaction). */
export async function prepareUser(input: NewUser): Promise<{ email: string; passwordHash: string; role: Role }> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const { email, password, role } = parsed.data;
  return { email, role, passwordHash: await hashPassword(password) };
}

/** Inserts a prepared user; a taken email is a clear AuthError("conflict"). */
export async function insertUser(db: Db, user: { email: string; passwordHash: string; role: Role }): Promise<PublicUser> {
  try {
    return toPublic(await db.user.create({ data: user }));
  } catch (e) {
    if (isUniqueViolation(e)) throw new AuthError("conflict", `a user with email ${user.email} already exists`, "email");
    throw e;
  }
}

/** Creates a user: email normalised to lower case, password ≥ 8 characters, role admin|viewer. Audited. */
export async function createUser(input: NewUser, opts?: ActorOpt): Promise<PublicUser> {
  const prepared = await prepareUser(input);
  return prisma().$transaction(async (tx) => {
    const user = await insertUser(tx, prepared);
    await recordAudit({ actor: actorOf(opts), action: "user.create", target: `user:${user.email}`, details: { role: user.role } }, tx);
    return user;
  });
}

/**
 * The user for this email and password, or null. Unknown emails take as long as wrong passwords
 * (a dummy verification), so timing does not reveal which accounts exist.
 */
export async function verifyCredentials(email: string, password: string): Promise<PublicUser | null> {
  if (typeof email !== "string" || typeof password !== "string") return null;
  const user = await prisma().user.findUnique({ where: { email: normaliseEmail(email) } });
  if (!user) {
    await verifyPassword(password, await dummyHash());
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  if (needsRehash(user.passwordHash)) {
    await prisma().user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  return toPublic(user);
}

export async function countUsers(): Promise<number> {
  return prisma().user.count();
}

export async function listUsers(): Promise<PublicUser[]> {
  const rows = await prisma().user.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map(toPublic);
}

export async function findUser(id: bigint): Promise<PublicUser | null> {
  const u = await prisma().user.findUnique({ where: { id } });
  return u ? toPublic(u) : null;
}

export async function findUserByEmail(email: string): Promise<PublicUser | null> {
  const u = await prisma().user.findUnique({ where: { email: normaliseEmail(email) } });
  return u ? toPublic(u) : null;
}

/**
 * Runs `fn` with every admin row locked, so two concurrent demotions/deletions cannot both
 * pass the "another admin remains" check.
 */
async function withAdminsLocked<T>(fn: (tx: Prisma.TransactionClient, adminIds: bigint[]) => Promise<T>): Promise<T> {
  return prisma().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: bigint }[]>`SELECT id FROM users WHERE role = 'admin' ORDER BY id FOR UPDATE`;
    return fn(
      tx,
      rows.map((r) => BigInt(r.id)),
    );
  });
}

/**
 * Changes a user's role; refuses to demote the last admin. A change ends all of that user's
 * sessions (they sign in again with the new role) and is audited; setting the same role is a no-op.
 */
export async function setRole(userId: bigint, role: Role, opts?: ActorOpt): Promise<PublicUser> {
  const parsed = roleSchema.safeParse(role);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues.map((i) => ({ ...i, path: ["role"] })));
  return withAdminsLocked(async (tx, adminIds) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new AuthError("not_found", `no user with id ${userId}`);
    if (user.role === "admin" && parsed.data !== "admin" && adminIds.length <= 1) {
      throw new AuthError("last_admin", `${user.email} is the last admin; make another user admin first`, "role");
    }
    if (user.role === parsed.data) return toPublic(user);
    const updated = toPublic(await tx.user.update({ where: { id: userId }, data: { role: parsed.data } }));
    const ended = await tx.session.deleteMany({ where: { userId } });
    await recordAudit(
      { actor: actorOf(opts), action: "user.role_change", target: `user:${user.email}`, details: { from: user.role, to: parsed.data, sessions_ended: ended.count } },
      tx,
    );
    return updated;
  });
}

/** Deletes a user and (by cascade) their sessions; never removes the last admin. Audited. */
export async function deleteUser(userId: bigint, opts?: ActorOpt): Promise<void> {
  await withAdminsLocked(async (tx, adminIds) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new AuthError("not_found", `no user with id ${userId}`);
    if (user.role === "admin" && adminIds.length <= 1) {
      throw new AuthError("last_admin", `${user.email} is the last admin and cannot be deleted`);
    }
    const ended = await tx.session.deleteMany({ where: { userId } });
    await tx.user.delete({ where: { id: userId } });
    await recordAudit({ actor: actorOf(opts), action: "user.delete", target: `user:${user.email}`, details: { role: user.role, sessions_ended: ended.count } }, tx);
  });
}
