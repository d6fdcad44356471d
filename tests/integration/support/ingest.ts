import { Readable } from "node:stream";
import { ingestStream, type IngestFormat } from "../../../lib/ingest";
import { pool } from "../../../lib/db/pool";

export function ingestText(text: string, format: IngestFormat = "canonical", atomic = false) {
  return ingestStream(Readable.from([Buffer.from(text, "utf8")]), { format, atomic, source: "test" });
}

export function ingestJson(events: unknown[], atomic = false) {
  return ingestText(JSON.stringify(events), "json", atomic);
}

export async function conversation(id: string) {
  const { rows } = await pool().query("SELECT * FROM conversations WHERE conversation_id = $1", [id]);
  return rows[0] as Record<string, unknown> | undefined;
}

export async function countRows(table: "events" | "conversations" | "imports") {
  const { rows } = await pool().query(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n as number;
}
