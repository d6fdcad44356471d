import { getMetricSettings } from "../settings";
import { latestEventAt } from "./as-of";
import { resolveRequest, type MetricsRequest, type TMetricsQuery } from "./request";
import { cached } from "./cache";
import { querySegments } from "./segments";
import type { MetricsResponse } from "./types";

export * from "./types";
export { ParameterError, ZMetricsQuery, parseQuery, searchParamsToRecord, type MetricsRequest } from "./request";

/** Resolve a parsed query's defaults (as_of, range, windows) against the database and settings. */
export async function resolveMetricsRequest(q: TMetricsQuery): Promise<MetricsRequest> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  return resolveRequest(q, latest, settings);
}

/** GET /api/v1/metrics, the CLI `metrics` command and the pages all come through here. */
export async function computeMetrics(q: TMetricsQuery): Promise<MetricsResponse> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  const req = resolveRequest(q, latest, settings);
  const segments = await cached(["segments", req, settings], () => querySegments(req, settings));
  return {
    as_of: req.asOf.toISOString(),
    range: { from: req.from, to: req.to },
    windows: { recontact_hours: req.recontactHours, verification_hours: req.verificationHours },
    segments,
  };
}
