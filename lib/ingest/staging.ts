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

// COPY text format: backslash escapes for the characters that delimit fields and rows.
function copyText(v: string | number | boolean | undefined | null): string {
  if (v === undefined || v === null) return "\\N";
  if (typeof v !== "string") return String(v);
  return v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

export class StagingWriter {
  private stream: Writable;
  private done: Promise<void>;
  private seq = 0;
  private buffer: string[] = [];

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

  async write(e: CanonicalEvent) {
    const row = [this.seq++, eventKey(e), e.event_id, e.conversation_id, e.type, e.at.toISOString()];
    const cells: string[] = row.map((v) => copyText(v as string));
    for (const f of EVENT_FIELDS) cells.push(copyText(e.fields[f]));
    this.buffer.push(cells.join("\t") + "\n");
    if (this.buffer.length >= 500) await this.flush();
  }

  private async flush() {
    if (!this.buffer.length) return;
    const chunk = this.buffer.join("");
    this.buffer = [];
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
