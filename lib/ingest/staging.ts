import type { PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { Writable } from "node:stream";
import type { CanonicalEvent } from "../events/schema";
import { EVENT_FIELDS } from "../events/vocabulary";
import { eventKey } from "./key";

/**
 * The batch is COPYed into a temporary staging table first, so inserting into `events` is one
 * set-based statement whatever the file size (design-notes: set-based ingest).
 */
export const STAGING_COLUMNS = ["seq", "event_key", "event_id", "conversation_id", "type", "at", ...EVENT_FIELDS] as const;

export async function createStaging(client: PoolClient) {
  await client.query(`CREATE TEMP TABLE ingest_staging (
    seq bigint NOT NULL, event_key text NOT NULL, event_id text, conversation_id text NOT NULL,
    type text NOT NULL, at timestamptz(3) NOT NULL,
    customer_id text, channel text, topic text, customer_tier text, confident boolean, agent_id text,
    reason text, context_transferred boolean, by text, score smallint, actor text,
    seconds double precision, outcome text, accurate boolean, policy_compliant boolean,
    safety_incident boolean, cause text
  ) ON COMMIT DROP`);
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;

// COPY text format: backslash escapes for the characters that delimit fields and rows.
export function copyText(v: string | number | boolean | undefined | null): string {
  if (v === undefined || v === null) return "\\N";
  if (typeof v !== "string") return String(v);
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/**
 * The staging row of a validated event, without its leading seq: event_key, event_id,
 * conversation_id, type, at, then every own field (\N where absent). The canonical-CSV fast
 * path (fast-row.ts) must produce exactly this string; a property test holds it to that.
 */
export function stagingLine(e: CanonicalEvent): string {
  let line = copyText(eventKey(e)) + "\t" + copyText(e.event_id) + "\t" + copyText(e.conversation_id) + "\t" + e.type + "\t" + e.at.toISOString();
  for (const f of EVENT_FIELDS) line += "\t" + copyText(e.fields[f]);
  return line;
}

export class StagingWriter {
  private stream: Writable;
  private done: Promise<void>;
  private seq = 0;
  private buffer = "";
  private buffered = 0;

  constructor(client: PoolClient) {
    this.stream = client.query(copyFrom(`COPY ingest_staging (${STAGING_COLUMNS.join(", ")}) FROM STDIN`));
    this.done = new Promise((resolve, reject) => {
      this.stream.on("finish", resolve);
      this.stream.on("error", reject);
    });
    this.done.catch(() => {}); // surfaced by end()
  }

  get count() {
    return this.seq;
  }

  /** A staging line from stagingLine() or the fast path; resolves when the COPY stream can take more. */
  writeLine(line: string): Promise<void> | undefined {
    this.buffer += this.seq++ + "\t" + line + "\n";
    if (++this.buffered >= 500) return this.flush();
    return undefined;
  }

  private async flush() {
    if (!this.buffered) return;
    const chunk = this.buffer;
    this.buffer = "";
    this.buffered = 0;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        this.stream.once("error", onError);
        this.stream.once("drain", () => {
          this.stream.off("error", onError);
          resolve();
        });
      });
    }
  }

  async end() {
    await this.flush();
    this.stream.end();
    await this.done;
  }
}
