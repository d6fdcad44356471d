import { prisma } from "../db/prisma";

/**
 * as_of's default: the latest `at` of any stored event (null when nothing is stored), read from
 * the per-conversation maximum (indexed) instead of scanning events.
 */
export async function latestEventAt(): Promise<Date | null> {
  const rows = await prisma().$queryRaw<{ at: Date | null }[]>`SELECT max(last_event_at) AS at FROM conversations`;
  return rows[0]?.at ?? null;
}
