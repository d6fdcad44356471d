import fs from "node:fs";
import path from "node:path";
import { createGunzip } from "node:zlib";
import { Transform, type Readable } from "node:stream";
import { AtomicRejection, INGEST_FORMATS, IngestParseError, ingestStream, type IngestFormat } from "../../lib/ingest";
import { parse, UsageError } from "../args";
import { progressBar } from "../progress";

const USAGE = "ingest <file> [--format canonical|ndjson|json] [--atomic] [--json]";

function formatFromName(file: string): IngestFormat {
  const name = file.toLowerCase().replace(/\.gz$/, "");
  if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) return "ndjson";
  if (name.endsWith(".json")) return "json";
  return "canonical";
}

/**
 * Exit 0 when the file was processed (even with rejected rows), 1 when it could not be read or
 * parsed at all (or, with --atomic, when anything was rejected and so nothing was stored).
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { format: { type: "string" }, atomic: { type: "boolean" }, json: { type: "boolean" } },
    true,
  );
  if (positionals.length !== 1) throw new UsageError(`usage: ${USAGE}`);
  const file = positionals[0];
  const format = (values.format ?? formatFromName(file)) as IngestFormat;
  if (!INGEST_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${INGEST_FORMATS.join(", ")}`);

  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (e) {
    process.stderr.write(`cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  const bar = process.stderr.isTTY ? progressBar(size) : undefined;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  let input: Readable = fs.createReadStream(file).pipe(counter);
  if (file.toLowerCase().endsWith(".gz")) input = input.pipe(createGunzip());
  try {
    const result = await ingestStream(input, {
      format,
      atomic: values.atomic,
      source: "cli",
      fileName: path.basename(file),
      createdBy: "cli",
      onProgress: (records) => bar?.update(bytes, `${records.toLocaleString("en-US")} rows`),
    });
    bar?.done();
    if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
    else {
      process.stdout.write(
        `accepted ${result.accepted}, duplicates ${result.duplicates}, rejected ${result.rejected.length}\n`,
      );
      for (const r of result.rejected.slice(0, 50)) {
        const where = "line" in r ? `line ${r.line}` : `index ${r.index}`;
        process.stdout.write(`  ${where}: ${r.field}: ${r.reason}\n`);
      }
      if (result.rejected.length > 50) process.stdout.write(`  … and ${result.rejected.length - 50} more (use --json)\n`);
    }
    return 0;
  } catch (e) {
    bar?.done();
    if (e instanceof AtomicRejection) {
      if (values.json) process.stdout.write(JSON.stringify(e.result) + "\n");
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    if (e instanceof IngestParseError) {
      const where = e.pos ? ("line" in e.pos ? ` (line ${e.pos.line})` : ` (index ${e.pos.index})`) : "";
      process.stderr.write(`${file} could not be parsed${where}: ${e.message}\n`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === "Z_DATA_ERROR" || (e as NodeJS.ErrnoException).code === "EISDIR") {
      process.stderr.write(`cannot read ${file}: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}
