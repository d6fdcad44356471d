import { prisma } from "../db/prisma";

/** as_of's default: the latest `at` of any stored event (null when nothing is stored). */
export async function latestEventAt(): Promise<Date | null> {
  const rows = await prisma().$queryRaw<{ at: Date | null }[]>`SELECT max(at) AS at FROM events`;
  return rows[0]?.at ?? null;
}
