import fs from "node:fs";
import { once } from "node:events";
import { exportEventsCsv, exportEventsNdjson } from "../../lib/export/events";
import { parse, UsageError } from "../args";

/** Every stored event as canonical CSV or NDJSON (to --out FILE or stdout); re-importable exactly. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { format: { type: "string" }, out: { type: "string" } });
  const format = values.format ?? "canonical";
  if (format !== "canonical" && format !== "ndjson") throw new UsageError("--format must be canonical or ndjson");
  const out = values.out ? fs.createWriteStream(values.out) : process.stdout;
  const lines = format === "canonical" ? exportEventsCsv() : exportEventsNdjson();
  let buffer = "";
  for await (const line of lines) {
    buffer += line;
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  if (values.out) {
    await new Promise<void>((resolve, reject) => (out as fs.WriteStream).end(buffer, () => resolve()).on("error", reject));
  } else out.write(buffer);
  return 0;
}
