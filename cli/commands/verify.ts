import { verifyDerived } from "../../lib/maintenance/verify";
import { parse } from "../args";

/** Recompute every derived row from the events and report differences; exit 1 when any exist. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { json: { type: "boolean" } });
  const report = await verifyDerived();
  const problems = report.mismatched.length + report.missing.length + report.stray.length + report.rollupRowsDiffering + (report.latestEventDiffers ? 1 : 0);
  if (values.json) process.stdout.write(JSON.stringify(report) + "\n");
  else {
    process.stdout.write(`checked ${report.conversations} derived conversations against their events\n`);
    for (const m of report.mismatched) process.stdout.write(`  differs: ${m.conversation_id} (${m.columns.join(", ")})\n`);
    for (const id of report.missing) process.stdout.write(`  missing derived row: ${id}\n`);
    for (const id of report.stray) process.stdout.write(`  derived row without events: ${id}\n`);
    if (report.rollupRowsDiffering) process.stdout.write(`  rollup rows that a rebuild does not reproduce: ${report.rollupRowsDiffering}\n`);
    const latest = report.latestEventDiffers;
    const at = (d: Date | null) => d?.toISOString() ?? "none";
    if (latest) process.stdout.write(`  stored latest event (as_of's default) ${at(latest.stored)}, the conversations' ${at(latest.actual)}\n`);
    process.stdout.write(problems ? `${problems} problem(s) found\n` : "everything matches\n");
  }
  return problems ? 1 : 0;
}
