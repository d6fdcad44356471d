import { ingestDemoData } from "../../lib/demo/first-start";
import { parse, UsageError } from "../args";

function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} must be a whole number ≥ 1`);
  return Number(v);
}

/**
 * Synthetic events through the same ingest path as every other source. Same seed and --now →
 * the same events; without --now the data ends at the current time.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    conversations: { type: "string" },
    seed: { type: "string" },
    days: { type: "string" },
    now: { type: "string" },
  });
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new UsageError("--now must be an ISO timestamp");
  const opts = {
    conversations: positiveInt("conversations", values.conversations, 5000),
    seed: positiveInt("seed", values.seed, 42),
    days: positiveInt("days", values.days, 120),
    now,
  };
  const result = await ingestDemoData(opts, "cli");
  process.stdout.write(
    `demo data: ${opts.conversations} conversations over ${opts.days} days (seed ${opts.seed}): accepted ${result.accepted}, duplicates ${result.duplicates}, rejected ${result.rejected.length}\n`,
  );
  return result.rejected.length ? 1 : 0;
}
