import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { ParameterErrorNotice } from "@/components/empty-state";
import { parseFilters, toRecord, withSearch, type PageSearchParams } from "@/components/filters/params";
import { isDistributionKey, isRateKey, metricMeta, type DrillKey } from "@/components/metric-meta";
import { PageFrame } from "@/components/page-frame";
import { requireUser } from "@/lib/auth/page";
import { ParameterError, parseQuery } from "@/lib/metrics";
import { RATE_DEFINITIONS, type RateDefinition } from "@/lib/metrics/definitions";
import { Drilldown, ZDrillParams } from "./drilldown";

export const dynamic = "force-dynamic";

type Params = Promise<{ key: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { key } = await params;
  const known = isRateKey(key) || isDistributionKey(key);
  return { title: `${known ? metricMeta(key as DrillKey).label : "Metric"} · Hybrid Support Dashboard` };
}

export default async function MetricPage({ params, searchParams }: { params: Params; searchParams: Promise<PageSearchParams> }) {
  const { key } = await params;
  if (!isRateKey(key) && !isDistributionKey(key)) notFound();
  const path = `/metrics/${key}`;
  const user = await requireUser({ next: path });
  const sp = await searchParams;
  const filters = parseFilters(sp);
  const meta = metricMeta(key);
  const own = toRecord(sp);
  let drill: z.infer<typeof ZDrillParams> | null = null;
  let drillError: { parameter: string; message: string } | null = null;
  try {
    const picked = Object.fromEntries(Object.entries(own).filter(([k]) => ["side", "sort", "dir", "page", "interval"].includes(k)));
    drill = parseQuery(ZDrillParams, picked);
    if (drill.side === "pending" && !(isRateKey(key) && (RATE_DEFINITIONS[key] as RateDefinition).pending)) {
      throw new ParameterError("side", `${meta.label} is not window-dependent: it has no pending side`);
    }
    if (drill.side && !isRateKey(key)) throw new ParameterError("side", "a duration has no numerator or denominator");
  } catch (e) {
    if (!(e instanceof ParameterError)) throw e;
    drillError = { parameter: e.parameter, message: e.message };
  }
  return (
    <PageFrame
      user={user}
      current="executive"
      pathname={path}
      title={meta.label}
      description={
        <>
          {meta.description}{" "}
          {meta.windowed ? "Counts only conversations whose window has closed; the others are pending." : null}{" "}
          <Link href={withSearch("/", filters.search)} className="font-medium text-blue-800 underline underline-offset-2">
            ← Executive view
          </Link>
        </>
      }
      filters={filters}
      resetKeys={["page"]}
    >
      {drillError ? (
        <ParameterErrorNotice parameter={drillError.parameter} message={drillError.message} resetHref={withSearch(path, filters.search)} />
      ) : filters.ok && drill ? (
        <Drilldown
          metricKey={key}
          query={filters.query}
          filterSearch={filters.search}
          fullSearch={new URLSearchParams(
            Object.entries({ ...Object.fromEntries(new URLSearchParams(filters.search)), ...pick(own, ["side", "sort", "dir", "page", "interval"]) }),
          ).toString()}
          drill={drill}
          path={path}
        />
      ) : null}
    </PageFrame>
  );
}

function pick(r: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(r).filter(([k]) => keys.includes(k)));
}

