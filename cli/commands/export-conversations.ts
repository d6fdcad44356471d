import fs from "node:fs";
import { once } from "node:events";
import { CONVERSATION_COLUMNS, streamConversations, ZConversationListQuery } from "../../lib/conversations/query";
import { csvRow } from "../../lib/csv/write";
import { ParameterError, parseQuery } from "../../lib/metrics";
import { parse, UsageError } from "../args";

const FLAGS = ["from", "to", "channel", "population", "customer-tier", "topic", "as-of", "recontact-hours", "verification-hours", "metric", "side"] as const;

/** The derived per-conversation table as CSV, for the same filters as `metrics` (GET /api/v1/conversations.csv). */
export async function run(argv: string[]): Promise<number> {
  const options = { ...Object.fromEntries(FLAGS.map((f) => [f, { type: "string" as const }])), out: { type: "string" as const } };
  const values = parse(argv, options).values as Record<string, string | undefined>;
  const query: Record<string, string> = {};
  for (const f of FLAGS) if (values[f] !== undefined) query[f.replace(/-/g, "_")] = values[f]!;
  let rows;
  try {
    rows = await streamConversations(parseQuery(ZConversationListQuery.omit({ sort: true, dir: true, page: true, page_size: true }), query));
  } catch (e) {
    if (e instanceof ParameterError) throw new UsageError(`--${e.parameter.replace(/_/g, "-")}: ${e.message.slice(e.parameter.length + 2)}`);
    throw e;
  }
  const out = values.out ? fs.createWriteStream(values.out) : process.stdout;
  let buffer = csvRow(CONVERSATION_COLUMNS);
  for await (const r of rows) {
    buffer += csvRow(CONVERSATION_COLUMNS.map((c) => r[c]));
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  if (values.out) await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end(buffer, () => resolve()).on("error", reject));
  else out.write(buffer);
  return 0;
}
