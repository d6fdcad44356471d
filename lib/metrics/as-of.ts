import { prisma } from "../db/prisma";

/**
 * as_of's default: the latest `at` of any stored event (null when nothing is stored), the
 * maximum of conversations.last_event_at that triggers keep on data_version (migration
 * 20261201030000_latest_event_at) instead of an index every new conversation would pay for.
 */
export async function latestEventAt(): Promise<Date | null> {
  const rows = await prisma().$queryRaw<{ at: Date | null }[]>`SELECT latest_event_at AS at FROM data_version WHERE id = 1`;
  return rows[0]?.at ?? null;
}
