import { prisma } from "../db/prisma";
import { DEFAULT_METRIC_SETTINGS, ZMetricSettings, type MetricSettings } from "./defaults";

export * from "./defaults";

/** The stored metric settings merged over the spec's defaults; an unreadable value falls back. */
export async function getMetricSettings(): Promise<MetricSettings> {
  return mergeMetricSettings(await prisma().setting.findMany({ where: { key: { in: Object.keys(DEFAULT_METRIC_SETTINGS) } } }));
}

/** Stored rows (key, value) over the defaults, for callers reading them in their own transaction. */
export function mergeMetricSettings(rows: { key: string; value: unknown }[]): MetricSettings {
  const merged: Record<string, unknown> = { ...DEFAULT_METRIC_SETTINGS };
  for (const r of rows) merged[r.key] = r.value;
  const parsed = ZMetricSettings.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_METRIC_SETTINGS;
}
