import { z } from "zod";
import { recordAudit, type AuditActor } from "../audit";
import { prisma } from "../db/prisma";
import { AuthError, fromZodIssues } from "./errors";
import { hexDigestsEqual, randomToken, sha256Hex } from "./tokens";

/**
 * Machine credentials. A key is `hsd_` + 32 random bytes (base64url), shown once. Stored: the
 * sha256 of the whole key (a 256-bit random secret needs no slow hash; lookups stay one indexed
 * query) and a short prefix so admins can tell keys apart in lists.
 */
export const SCOPES = ["ingest", "read"] as const;
export type Scope = (typeof SCOPES)[number];

export const KEY_PREFIX = "hsd_";
const KEY_SHAPE = /^hsd_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = KEY_PREFIX.length + 8;
/** last_used_at is written at most this often per key, so busy keys do not cost a write per call. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type ApiKeyInfo = {
  id: bigint;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
};

export const keyNameSchema = z
  .string({ error: "is required" })
  .trim()
  .min(1, "is required")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "use letters, digits, spaces, dots, dashes and underscores");

export const scopesSchema = z
  .array(z.enum(SCOPES, { error: 'each scope must be "ingest" or "read"' }), { error: "must be a list" })
  .min(1, 'choose at least one scope ("ingest", "read")')
  .transform((s) => SCOPES.filter((x) => s.includes(x)));

const newKeySchema = z.object({
  name: keyNameSchema,
  scopes: scopesSchema,
  createdBy: z.string().max(254).nullish(),
});

function toInfo(row: {
  id: bigint;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}): ApiKeyInfo {
  return { ...row, scopes: SCOPES.filter((s) => row.scopes.includes(s)) };
}

/** "cli" → "cli", "a@b.c" → "user:a@b.c", nothing → "system". */
function actorFromCreatedBy(createdBy: string | null | undefined): AuditActor {
  if (!createdBy) return "system";
  if (createdBy === "cli" || createdBy === "system" || /^(user|key):/.test(createdBy)) return createdBy;
  return `user:${createdBy}`;
}

/**
 * Creates a key; the returned `key` is the only time the plaintext exists outside the caller.
 * Audited ("apikey.create"; the key itself is never logged), actor from `actor` or `createdBy`.
 */
export async function createApiKey(input: {
  name: string;
  scopes: Scope[];
  createdBy?: string | null;
  actor?: AuditActor;
}): Promise<{ key: string; info: ApiKeyInfo }> {
  const parsed = newKeySchema.safeParse(input);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  const { name, scopes, createdBy } = parsed.data;
  const key = KEY_PREFIX + randomToken(32);
  try {
    const row = await prisma().$transaction(async (tx) => {
      const created = await tx.apiKey.create({
        data: { name, scopes, createdBy: createdBy ?? null, prefix: key.slice(0, PREFIX_LENGTH), keyHash: sha256Hex(key) },
      });
      await recordAudit(
        { actor: input.actor ?? actorFromCreatedBy(createdBy), action: "apikey.create", target: `key:${name}`, details: { scopes, prefix: created.prefix } },
        tx,
      );
      return created;
    });
    return { key, info: toInfo(row) };
  } catch (e) {
    if ((e as { code?: unknown })?.code === "P2002") {
      throw new AuthError("conflict", `an API key named "${name}" already exists (names stay taken after revocation)`, "name");
    }
    throw e;
  }
}

/**
 * Revokes the key with this name (idempotent for an already revoked key). Audited
 * ("apikey.revoke"); `actor` defaults to "cli", the one caller that does not name itself.
 */
export async function revokeApiKey(name: string, opts: { actor?: AuditActor } = {}): Promise<ApiKeyInfo> {
  const db = prisma();
  const row = await db.apiKey.findUnique({ where: { name: typeof name === "string" ? name.trim() : "" } });
  if (!row) throw new AuthError("not_found", `no API key named "${name}"`, "name");
  if (row.revokedAt) return toInfo(row);
  return db.$transaction(async (tx) => {
    const updated = await tx.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await recordAudit({ actor: opts.actor ?? "cli", action: "apikey.revoke", target: `key:${row.name}`, details: { prefix: row.prefix } }, tx);
    return toInfo(updated);
  });
}

export async function listApiKeys(): Promise<ApiKeyInfo[]> {
  const rows = await prisma().apiKey.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return rows.map(toInfo);
}

/** The active (unrevoked) key for a plaintext key, or null. Touches last_used_at at most once a minute. */
export async function findActiveKey(plaintext: string | null | undefined): Promise<ApiKeyInfo | null> {
  if (typeof plaintext !== "string" || !KEY_SHAPE.test(plaintext)) return null;
  const hash = sha256Hex(plaintext);
  const db = prisma();
  const row = await db.apiKey.findUnique({ where: { keyHash: hash } });
  if (!row || !hexDigestsEqual(row.keyHash, hash) || row.revokedAt) return null;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const cutoff = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await db.apiKey.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: cutoff } }] },
      data: { lastUsedAt: now },
    });
    row.lastUsedAt = now;
  }
  return toInfo(row);
}
