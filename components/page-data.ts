import { cache } from "react";
import { filterOptions } from "@/lib/data-quality";
import { pool } from "@/lib/db/pool";
import { latestEventAt } from "@/lib/metrics/as-of";
import { cachedAcrossParts, cachedFrozen } from "@/lib/metrics/cache";
import { resolveRequest, type MetricsRequest, type TMetricsQuery } from "@/lib/metrics/request";
import { DEFAULT_METRIC_SETTINGS, ZMetricSettings, type MetricSettings } from "@/lib/settings/defaults";
import { applyTargetOverrides, TARGETS_KEY, ZTargetOverrides, type Target } from "@/lib/settings/targets";

export interface RequestBasis {
  /** the data version every ingest and erasure bumps: the key of every cached result */
  version: string;
  /** the newest version every reader must see at once (lib/db/data-version.ts) */
  settled: string;
  /** windows and costs change results without changing the data version: part of every key */
  settings: MetricSettings;
  targets: Target[];
}

const SETTING_KEYS = [...Object.keys(DEFAULT_METRIC_SETTINGS), TARGETS_KEY];

/**
 * What a page render reads once and shares between the frame and the content, in one round trip:
 * the data version, the metric settings and the targets — the same values as dataVersion(),
 * getMetricSettings() and getTargets() (an unreadable stored value falls back the same way).
 * React's `cache` scopes it to one request.
 */
export const requestBasis = cache(async (): Promise<RequestBasis> => {
  const { rows } = await pool().query<{ version: string | null; settled: string | null; settings: Record<string, unknown> }>(
    `SELECT (SELECT version::text FROM data_version WHERE id = 1) AS version,
       (SELECT settled::text FROM data_version WHERE id = 1) AS settled,
       (SELECT coalesce(jsonb_object_agg(key, value), '{}'::jsonb) FROM settings WHERE key = ANY($1::text[])) AS settings`,
    [SETTING_KEYS],
  );
  const stored = rows[0].settings;
  const merged: Record<string, unknown> = { ...DEFAULT_METRIC_SETTINGS };
  for (const key of Object.keys(DEFAULT_METRIC_SETTINGS)) if (key in stored) merged[key] = stored[key];
  const settings = ZMetricSettings.safeParse(merged);
  const overrides = ZTargetOverrides.safeParse(stored[TARGETS_KEY] ?? []);
  return {
    version: rows[0].version ?? "0",
    settled: rows[0].settled ?? "0",
    settings: settings.success ? settings.data : DEFAULT_METRIC_SETTINGS,
    targets: applyTargetOverrides(overrides.success ? overrides.data : []),
  };
});

/** The latest stored event (as_of's default), read once per data version. */
export async function latestEvent(): Promise<Date | null> {
  const { version } = await requestBasis();
  return cachedFrozen(version, ["latest-event"], latestEventAt);
}

/** The filter bar's customer tiers and topics (a scan of every conversation), once per data version. */
export async function cachedFilterOptions(): Promise<{ customerTiers: string[]; topics: string[] }> {
  const basis = await requestBasis();
  return cachedAcrossParts(basis, ["filter-options"], () => cachedFrozen(basis.version, ["filter-options"], () => filterOptions()));
}

/**
 * A page query with every default applied, exactly as computeMetrics resolves it (same latest
 * event, same settings), without a query of its own. Throws ParameterError like the API.
 */
export async function resolvePageRequest(query: TMetricsQuery): Promise<MetricsRequest> {
  const [{ settings }, latest] = await Promise.all([requestBasis(), latestEvent()]);
  return resolveRequest(query, latest, settings);
}
