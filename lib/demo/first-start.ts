import { prisma } from "../db/prisma";
import { ingestRecords } from "../ingest";
import type { RawRecord } from "../ingest/types";
import { generateDemoEvents, type DemoOptions } from "./generate";

const MARKER = "demo_data_loaded";

/** Demo events through the one ingest path, so demo numbers behave exactly like real ones. */
export async function ingestDemoData(opts: DemoOptions, createdBy = "demo") {
  async function* records(): AsyncGenerator<RawRecord> {
    let index = 0;
    for (const value of generateDemoEvents(opts)) yield { pos: { index: index++ }, value };
  }
  return ingestRecords(records(), { format: "json", source: "demo", fileName: `demo data (seed ${opts.seed})`, createdBy });
}

/**
 * On the very first start (no events, never loaded before) load a realistic demo set, so a
 * newcomer sees a working dashboard. Never again after that, even if the data is erased.
 */
export async function loadDemoDataOnFirstStart(): Promise<string | null> {
  const db = prisma();
  if (await db.setting.findUnique({ where: { key: MARKER } })) return null;
  if (await db.event.findFirst({ select: { id: true } })) return null;
  const opts = { conversations: 6000, seed: 42, days: 120, now: new Date() };
  const result = await ingestDemoData(opts);
  await db.setting.upsert({
    where: { key: MARKER },
    create: { key: MARKER, value: { at: new Date().toISOString(), accepted: result.accepted } },
    update: {},
  });
  return `loaded demo data: ${opts.conversations} conversations, ${result.accepted} events (DEMO_DATA=0 skips this)`;
}
