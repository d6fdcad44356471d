import fs from "node:fs";
import path from "node:path";
import { createGunzip } from "node:zlib";
import { Transform, type Readable } from "node:stream";
import { AtomicRejection, INGEST_FORMATS, IngestParseError, ingestStream, type IngestFormat } from "../../lib/ingest";
import { savedMapping } from "../../lib/ingest/mappings";
import { ingestNice, lowerOwnPriority } from "../../lib/ingest/priority";
import { detectFormat, isPresetName, type DetectedFormat } from "../../lib/ingest/presets";
import { peekStream } from "../../lib/ingest/sources/peek";
import { parse, UsageError } from "../args";
import { progressBar } from "../progress";

const USAGE =
  "ingest <file> [--format canonical|ndjson|json|zendesk|freshdesk|intercom] [--mapping FILE.json] [--timezone IANA] [--atomic] [--commit-every N] [--json]";

/** Events per transaction: big files are stored in parts, each a consistent state (docs/ingest.md). */
export const DEFAULT_COMMIT_EVERY = 200_000;

function formatOf(detected: DetectedFormat): IngestFormat {
  return detected === "intercom-ndjson" || detected === "intercom-json" ? "intercom" : detected;
}

function readMappingFile(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`--mapping ${file}: ${(e as Error).message}`);
  }
}

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
    {
      format: { type: "string" },
      atomic: { type: "boolean" },
      json: { type: "boolean" },
      mapping: { type: "string" },
      timezone: { type: "string" },
      "commit-every": { type: "string" },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError(`usage: ${USAGE}`);
  const file = positionals[0];
  const commitEvery = values["commit-every"] === undefined ? DEFAULT_COMMIT_EVERY : Number(values["commit-every"]);
  if (!Number.isSafeInteger(commitEvery) || commitEvery < 0) {
    throw new UsageError("--commit-every must be a whole number of events (0: the whole file in one transaction)");
  }
  let nice: number;
  try {
    nice = ingestNice();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.format !== undefined && !INGEST_FORMATS.includes(values.format as IngestFormat)) {
    throw new UsageError(`--format must be one of ${INGEST_FORMATS.join(", ")}`);
  }

  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (e) {
    process.stderr.write(`cannot read ${file}: ${(e as Error).message}\n`);
    return 1;
  }
  // parsing yields the CPU to the dashboards too (its PostgreSQL backends are lowered per part)
  lowerOwnPriority(nice);
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
    // without --format, the content decides (header row or first object), then the file name
    const peeked = await peekStream(input);
    input = peeked.stream;
    const detected = values.format ? null : detectFormat(peeked.head);
    // a helpdesk export is recognised by its columns; plain JSON vs NDJSON by the file name first
    const generic = detected === null || detected === "json" || detected === "ndjson";
    const byName = /\.(json|ndjson|jsonl)(\.gz)?$/i.test(file) ? formatFromName(file) : null;
    const format = (values.format ?? (generic ? (byName ?? detected ?? formatFromName(file)) : formatOf(detected))) as IngestFormat;
    const presetFormat = detected === "intercom-ndjson" ? "ndjson" : detected === "intercom-json" ? "json" : undefined;
    let mapping: Record<string, unknown> | undefined;
    if (isPresetName(format)) {
      mapping = values.mapping ? readMappingFile(values.mapping) : ((await savedMapping(format)) as Record<string, unknown>);
      if (values.timezone) mapping = { ...mapping, timezone: values.timezone };
    }
    const result = await ingestStream(input, {
      format,
      mapping,
      presetFormat,
      atomic: values.atomic,
      commitEvery: commitEvery || undefined,
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
