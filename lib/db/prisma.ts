import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { databaseUrl } from "./url";

const globalForPrisma = globalThis as unknown as { __prisma?: PrismaClient; __prismaUrl?: string };

/** The process-wide Prisma client for CRUD (users, keys, settings, imports). */
export function prisma(): PrismaClient {
  const url = databaseUrl();
  if (!globalForPrisma.__prisma || globalForPrisma.__prismaUrl !== url) {
    globalForPrisma.__prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    globalForPrisma.__prismaUrl = url;
  }
  return globalForPrisma.__prisma;
}

export async function closePrisma() {
  const p = globalForPrisma.__prisma;
  globalForPrisma.__prisma = undefined;
  globalForPrisma.__prismaUrl = undefined;
  await p?.$disconnect();
}
