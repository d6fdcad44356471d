import { Readable } from "node:stream";
import { isRejection, validateEvent } from "../events/schema";
import { CANONICAL_COLUMNS } from "../events/vocabulary";
import { detectFormat, isPresetName, PRESETS, type DetectedFormat } from "./presets";
import { readSource } from "./sources";
import { IngestParseError, type IngestFormat, type Position } from "./types";

export interface PreviewRow {
  pos: Position;
  event?: Record<string, unknown>;
  rejection?: { field: string; reason: string };
}

export interface Preview {
  detected: DetectedFormat | null;
  format: IngestFormat | null;
  presetFormat?: "ndjson" | "json";
  rows: PreviewRow[];
  warnings: string[];
  /** a problem that would make the whole file fail */
  error?: string;
  cannotKnow: string[];
}

// ISO-like date-times, and whether an offset follows
const DATE_TIME = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(\s*(?:Z|z|[+-]\d{2}(?::?\d{2})?))?/g;

export function formatOfDetected(d: DetectedFormat): { format: IngestFormat; presetFormat?: "ndjson" | "json" } {
  if (d === "intercom-ndjson") return { format: "intercom", presetFormat: "ndjson" };
  if (d === "intercom-json") return { format: "intercom", presetFormat: "json" };
  return { format: d };
}

/** Cut a sample at its last complete line so the reader does not see half a row. */
function completeLines(sample: string, whole: boolean): string {
  if (whole) return sample;
  const cut = sample.lastIndexOf("\n");
  return cut > 0 ? sample.slice(0, cut + 1) : sample;
}

/**
 * What an upload would become, from its first bytes: the detected (or chosen) format, the first
 * rows as events or rejections, and warnings the admin should act on before committing.
 */
export async function previewUpload(
  sample: string,
  opts: { format?: IngestFormat; mapping?: unknown; whole?: boolean; limit?: number },
): Promise<Preview> {
  const detected = detectFormat(sample);
  const chosen = opts.format ? { format: opts.format } : detected ? formatOfDetected(detected) : null;
  const warnings: string[] = [];
  const preview: Preview = { detected, format: chosen?.format ?? null, presetFormat: (chosen as { presetFormat?: "ndjson" | "json" })?.presetFormat, rows: [], warnings, cannotKnow: [] };
  if (!chosen) {
    preview.error = "could not tell the format from the first bytes: choose it";
    return preview;
  }
  if (opts.format && detected && formatOfDetected(detected).format !== opts.format) {
    warnings.push(`the file looks like ${detected}, but it will be read as ${opts.format}`);
  }
  if (isPresetName(chosen.format)) preview.cannotKnow = PRESETS[chosen.format].cannotKnow;

  const firstLine = sample.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0];
  if (chosen.format === "canonical") {
    const header = firstLine.split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
    const unknown = header.filter((h) => !(CANONICAL_COLUMNS as readonly string[]).includes(h));
    if (unknown.length) warnings.push(`unknown column(s) ${unknown.join(", ")}: the canonical format rejects them`);
  }
  const naive = [...sample.matchAll(DATE_TIME)].filter((m) => !m[1]);
  if (naive.length) {
    warnings.push(
      isPresetName(chosen.format)
        ? `timestamps without a UTC offset (e.g. "${naive[0][0]}"): they will be read in the mapping's time zone — set "timezone" (IANA name, default UTC)`
        : `timestamps without a UTC offset (e.g. "${naive[0][0]}"): such events are rejected; the canonical format needs an offset or Z`,
    );
  }

  const limit = opts.limit ?? 20;
  try {
    const records = readSource(chosen.format, Readable.from([completeLines(sample, opts.whole ?? false)]), {
      mapping: opts.mapping,
      presetFormat: preview.presetFormat,
    });
    for await (const r of records) {
      if ("rejection" in r) preview.rows.push({ pos: r.pos, rejection: r.rejection });
      else {
        const e = validateEvent(r.value);
        if (isRejection(e)) preview.rows.push({ pos: r.pos, rejection: e });
        else preview.rows.push({ pos: r.pos, event: { ...e, at: e.at.toISOString() } });
      }
      if (preview.rows.length >= limit) break;
    }
  } catch (e) {
    if (!(e instanceof IngestParseError)) throw e;
    // a JSON sample cut mid-array ends in a parse error that the whole file will not have
    const truncated = !opts.whole && /JSON/.test(e.message) && preview.rows.length > 0;
    if (!truncated) preview.error = e.message;
  }
  return preview;
}
