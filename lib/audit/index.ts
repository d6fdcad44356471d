import { z } from "zod";
import { prisma } from "../db/prisma";
import type { Prisma, PrismaClient } from "../generated/prisma/client";

/**
 * The audit log (table audit_log): who did what, when. Append-only from the product's point of
 * view; never holds secrets (passwords, tokens, keys) or erased customer data.
 *
 *   actor   "user:<email>" | "key:<name>" | "cli" | "system"
 *   action  dotted verb, e.g. "user.create", "apikey.revoke", "signin.lockout", "upload"
 *   target  what it was done to ("user:a@b.c", "key:zendesk", a file name …), optional
 *   details small JSON object; keys that look like secrets are replaced by "[redacted]"
 */
export type AuditActor = `user:${string}` | `key:${string}` | "cli" | "system" | (string & {});

export type AuditInput = {
  actor: AuditActor;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
};

export type AuditRecord = {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
};

type Db = PrismaClient | Prisma.TransactionClient;

const SECRET_KEY = /pass(word)?|secret|token|api_?key|^key$|authorization|cookie|hash/i;
const MAX_STRING = 500;

/** JSON-safe copy of details: bigint → string, Date → ISO, secret-looking keys redacted, strings capped. */
export function sanitizeDetails(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value;
  if (depth >= 4) return "[nested]";
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => sanitizeDetails(v, depth + 1));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 50)) {
      out[k] = SECRET_KEY.test(k) ? "[redacted]" : sanitizeDetails(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

/**
 * Appends one entry. Pass `db` (a transaction client) to record inside the transaction that
 * makes the change, so the entry exists exactly when the change does.
 */
export async function recordAudit(entry: AuditInput, db: Db = prisma()): Promise<void> {
  const actor = String(entry.actor || "system").slice(0, 300);
  const action = String(entry.action).slice(0, 100);
  const target = entry.target == null ? null : String(entry.target).slice(0, 500);
  const details = (sanitizeDetails(entry.details ?? {}) ?? {}) as Prisma.InputJsonValue;
  await db.auditEntry.create({ data: { actor, action, target, details } });
}

export const AUDIT_MAX_LIMIT = 500;

/** Query parameters of GET /api/v1/audit and the /admin/audit page. */
export const ZAuditQuery = z
  .object({
    limit: z
      .string()
      .regex(/^\d+$/, { error: "must be a whole number" })
      .transform(Number)
      .pipe(z.number().int().min(1, { error: "must be at least 1" }).max(AUDIT_MAX_LIMIT, { error: `must be at most ${AUDIT_MAX_LIMIT}` }))
      .optional(),
    before: z
      .string()
      .regex(/^\d{1,18}$/, { error: "must be an entry id (a positive whole number)" })
      .transform((s) => BigInt(s))
      .optional(),
  })
  .strict();

/** Newest first; `before` (an id) pages to older entries. */
export async function listAudit(opts: { limit?: number; before?: bigint | null } = {}): Promise<{ entries: AuditRecord[]; nextBefore: string | null }> {
  const limit = Math.max(1, Math.min(AUDIT_MAX_LIMIT, Math.floor(opts.limit ?? 100)));
  const rows = await prisma().auditEntry.findMany({
    where: opts.before != null ? { id: { lt: opts.before } } : undefined,
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    entries: page.map((r) => ({
      id: r.id.toString(),
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      target: r.target,
      details: (r.details && typeof r.details === "object" && !Array.isArray(r.details) ? r.details : {}) as Record<string, unknown>,
    })),
    nextBefore: rows.length > limit ? page[page.length - 1].id.toString() : null,
  };
}

/** The response of GET /api/v1/audit (for the OpenAPI document). */
export const ZAuditEntry = z.object({
  id: z.string().describe("entry id; pass as `before` to page to older entries"),
  at: z.string().describe("ISO timestamp"),
  actor: z.string().describe('"user:<email>", "key:<name>", "cli" or "system"'),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const ZAuditResponse = z.object({
  entries: z.array(ZAuditEntry),
  next_before: z.string().nullable().describe("id to pass as `before` for the next (older) page; null on the last page"),
});
