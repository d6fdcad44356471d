import type { Rejection } from "../events/schema";

/** Where an event came from in its input: a 1-based line (CSV/NDJSON, header = line 1) or a 0-based array index. */
export type Position = { line: number } | { index: number };

/** One item from a parser: a raw event object to validate, or a row that could not be read. */
export type RawRecord =
  | { pos: Position; value: unknown }
  | { pos: Position; rejection: Rejection };

/** A canonical-CSV row the fast path already turned into its staging line (sources/fast-row.ts). */
export type StagedRecord = { pos: Position; staged: string };

export type RejectedEvent = Position & Rejection;

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedEvent[];
}

/** canonical events (events.md) or a helpdesk export preset (docs/presets.md) */
export const INGEST_FORMATS = ["canonical", "ndjson", "json", "zendesk", "freshdesk", "intercom"] as const;
export type IngestFormat = (typeof INGEST_FORMATS)[number];

/** The input as a whole could not be parsed (maps to HTTP 400 / CLI exit 1). */
export class IngestParseError extends Error {
  constructor(message: string, readonly pos?: Position) {
    super(message);
  }
}
