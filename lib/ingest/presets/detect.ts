import { parse } from "csv-parse/sync";

export type DetectedFormat =
  | "canonical"
  | "zendesk"
  | "freshdesk"
  | "intercom-ndjson"
  | "intercom-json"
  | "ndjson"
  | "json";

/** Keys only Intercom conversation objects have (canonical events have none of them). */
const INTERCOM_MARKERS =
  /"type"\s*:\s*"conversation"|"ai_agent_participated"\s*:|"conversation_rating"\s*:|"conversation_parts"\s*:|"admin_assignee_id"\s*:|"first_contact_reply"\s*:/;
const INTERCOM_PAGE = /"type"\s*:\s*"conversation\.list"|"conversations"\s*:\s*\[/;

function headerCells(line: string): string[] {
  try {
    const rows = parse(line, { relax_quotes: true, relax_column_count: true }) as string[][];
    return (rows[0] ?? []).map((c) => c.trim().toLowerCase());
  } catch {
    return line.split(",").map((c) => c.replace(/^"|"$/g, "").trim().toLowerCase());
  }
}

/**
 * Which reader fits an upload, from its first bytes (a few KB): the header row of a CSV or the
 * first object of JSON / NDJSON. null when nothing fits (the caller asks the user).
 */
export function detectFormat(firstBytes: string): DetectedFormat | null {
  const text = firstBytes.replace(/^\uFEFF/, "").trimStart();
  if (text === "") return null;
  if (text.startsWith("[")) return INTERCOM_MARKERS.test(text) ? "intercom-json" : "json";
  if (text.startsWith("{")) {
    const nl = text.indexOf("\n");
    const firstLine = nl === -1 ? text : text.slice(0, nl);
    let lineIsJson = true;
    try {
      JSON.parse(firstLine);
    } catch {
      lineIsJson = false;
    }
    if (lineIsJson) {
      if (INTERCOM_PAGE.test(firstLine)) return "intercom-ndjson"; // one page per line
      return INTERCOM_MARKERS.test(firstLine) ? "intercom-ndjson" : "ndjson";
    }
    if (INTERCOM_PAGE.test(text)) return "intercom-json";
    if (nl === -1 && INTERCOM_MARKERS.test(text)) return "intercom-ndjson"; // a first line longer than the sample
    return null;
  }
  const nl = text.search(/\r?\n/);
  const cells = headerCells(nl === -1 ? text : text.slice(0, nl));
  const has = (...names: string[]) => names.every((n) => cells.includes(n));
  if (has("conversation_id", "type", "at")) return "canonical";
  if (has("ticket id")) return "freshdesk";
  if (has("id", "created at")) return "zendesk";
  return null;
}
