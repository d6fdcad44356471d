import { getMetricSettings } from "../settings";
import { latestEventAt } from "./as-of";
import { resolveRequest, type MetricsRequest, type TMetricsQuery } from "./request";
import { cached, cachedAcrossParts, cachedAt, cachedFrozen, dataVersions } from "./cache";
import { querySegments, type SegmentOf } from "./segments";
import type { MetricKey, MetricsResponse } from "./types";

export * from "./types";
export { ParameterError, ZMetricsQuery, parseQuery, searchParamsToRecord, type MetricsRequest } from "./request";
export type { SegmentOf } from "./segments";

/** Resolve a parsed query's defaults (as_of, range, windows) against the database and settings. */
export async function resolveMetricsRequest(q: TMetricsQuery): Promise<MetricsRequest> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  return resolveRequest(q, latest, settings);
}

/** A metrics response whose segments hold only some metrics (computeSomeMetrics). */
export type MetricsResponseOf<K extends MetricKey> = Omit<MetricsResponse, "segments"> & { segments: SegmentOf<K>[] };

function metricsResponse<K extends MetricKey>(req: MetricsRequest, segments: SegmentOf<K>[]): MetricsResponseOf<K> {
  return {
    as_of: req.asOf.toISOString(),
    range: { from: req.from, to: req.to },
    windows: { recontact_hours: req.recontactHours, verification_hours: req.verificationHours },
    segments,
  };
}

/** The API and the CLI ask for one answer at a time; pages ask for several at once. */
const ALONE = { parallelWorkers: true } as const;

/**
 * Every metric: the CLI `metrics` command comes through here, the API through computeMetricsJson,
 * pages through computeSomeMetrics (the few metrics each shows).
 */
export async function computeMetrics(q: TMetricsQuery): Promise<MetricsResponse> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  const req = resolveRequest(q, latest, settings);
  const segments = await cached(["segments", req, settings], () => querySegments(req, settings, ALONE));
  return metricsResponse(req, segments);
}

/**
 * computeMetrics for a page that shows a few metrics: only their inputs are aggregated (each
 * input is evaluated on every live row: at 10 M conversations the executive page's numbers took
 * half the time of the full answer), and only they are returned. Percentiles only when one of
 * them is a distribution, and `percentiles` is not false (a page that shows only its mean).
 */
export async function computeSomeMetrics<K extends MetricKey>(
  q: TMetricsQuery,
  metrics: readonly K[],
  { percentiles = true } = {},
): Promise<MetricsResponseOf<K>> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  const req = resolveRequest(q, latest, settings);
  const parts = ["segments-of", [...metrics].sort(), percentiles, req, settings];
  const segments = await cached(parts, () => querySegments(req, settings, { metrics, percentiles }));
  return metricsResponse(req, segments);
}

/**
 * GET /api/v1/metrics: computeMetrics serialised, and cached serialised, so a cache hit neither
 * copies nor re-serialises a grouped answer (~120 kB: 4.5 of the 7.4 ms of CPU a warm call took).
 */
export async function computeMetricsJson(q: TMetricsQuery): Promise<string> {
  const [settings, versions] = await Promise.all([getMetricSettings(), dataVersions()]);
  const { version } = versions;
  // as_of defaults to the latest event, which an import moves: resolved inside, per version
  return cachedAcrossParts(versions, ["metrics-json", q, settings], async () => {
    const req = resolveRequest(q, await latestEventAt(), settings);
    return cachedFrozen(version, ["metrics-json", req, settings], async () =>
      JSON.stringify(metricsResponse(req, await cachedAt(version, ["segments", req, settings], () => querySegments(req, settings, ALONE)))),
    );
  });
}
