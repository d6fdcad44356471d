import { generateDemoEvents } from "../../lib/demo/generate";
import { ingestRecords } from "../../lib/ingest";
import type { RawRecord } from "../../lib/ingest/types";
import { parse, UsageError } from "../args";

function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} must be a whole number ≥ 1`);
  return Number(v);
}

/** Synthetic events through the same ingest path as every other source; same seed → same data. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    conversations: { type: "string" },
    seed: { type: "string" },
    days: { type: "string" },
  });
  const opts = {
    conversations: positiveInt("conversations", values.conversations, 5000),
    seed: positiveInt("seed", values.seed, 42),
    days: positiveInt("days", values.days, 120),
    now: new Date(),
  };
  async function* records(): AsyncGenerator<RawRecord> {
    let index = 0;
    for (const value of generateDemoEvents(opts)) yield { pos: { index: index++ }, value };
  }
  const result = await ingestRecords(records(), { format: "json", source: "demo", fileName: `demo seed ${opts.seed}`, createdBy: "cli" });
  process.stdout.write(
    `demo data: ${opts.conversations} conversations over ${opts.days} days (seed ${opts.seed}): accepted ${result.accepted}, duplicates ${result.duplicates}, rejected ${result.rejected.length}\n`,
  );
  return result.rejected.length ? 1 : 0;
}
