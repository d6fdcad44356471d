import { ParameterError, parseQuery, ZMetricsQuery } from "@/lib/metrics";
import type { TMetricsQuery } from "@/lib/metrics/request";

export { withSearch } from "./search";

/** The page URL's search params, as Next passes them to a page. */
export type PageSearchParams = Record<string, string | string[] | undefined>;

/** The URL params that are the API's metrics filters (everything of ZMetricsQuery but group_by). */
export const FILTER_KEYS = [
  "from", "to", "channel", "population", "customer_tier", "topic", "as_of", "recontact_hours", "verification_hours",
] as const;

/** One value per key (repeated keys joined with commas, as the API does). */
export function toRecord(sp: PageSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sp)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(",") : v;
  }
  return out;
}

export type ParsedFilters =
  | { ok: true; query: TMetricsQuery; search: string }
  | { ok: false; error: { parameter: string; message: string }; search: string };

/**
 * The filter params of a page URL, validated with the API's own schema (ZMetricsQuery), so a
 * bad link gets the same message naming the parameter that the API gives. `search` is the
 * filter part of the query string, for links that keep the filters (nav, drill-downs, CSV).
 */
export function parseFilters(sp: PageSearchParams): ParsedFilters {
  const all = toRecord(sp);
  const picked: Record<string, string> = {};
  for (const k of FILTER_KEYS) if (all[k] !== undefined) picked[k] = all[k];
  const search = new URLSearchParams(picked).toString();
  try {
    return { ok: true, query: parseQuery(ZMetricsQuery, picked), search };
  } catch (e) {
    if (e instanceof ParameterError) return { ok: false, error: { parameter: e.parameter, message: e.message }, search };
    throw e;
  }
}

