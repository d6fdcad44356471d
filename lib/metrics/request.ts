import { z } from "zod";
import { format, parseISO, subDays } from "date-fns";
import { CHANNELS, POPULATIONS } from "../events/vocabulary";
import { parseTimestamp } from "../events/timestamp";
import type { MetricSettings } from "../settings/defaults";

/** Shared zod pieces for every metrics entry point (API, pages, CLI): one parser, one set of errors. */
export const GROUP_DIMENSIONS = ["channel", "population", "customer_tier"] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];

const list = <T extends z.ZodType<string>>(item: T, name: string) =>
  z
    .string()
    .transform((s, ctx) => {
      const parts = s.split(",").map((p) => p.trim()).filter(Boolean);
      const out: z.infer<T>[] = [];
      for (const p of parts) {
        const r = item.safeParse(p);
        if (!r.success) {
          ctx.addIssue({ code: "custom", message: `${name}: ${JSON.stringify(p)} is not allowed (${r.error.issues[0].message})` });
          return z.NEVER;
        }
        if (!out.includes(r.data)) out.push(r.data);
      }
      return out;
    });

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date YYYY-MM-DD" })
  .refine((s) => !Number.isNaN(parseISO(s).getTime()) && format(parseISO(s), "yyyy-MM-dd") === s, {
    error: "is not a real date",
  });

const hours = z
  .string()
  .regex(/^\d+$/, { error: "must be a whole number of hours" })
  .transform(Number)
  .pipe(z.number().int().min(1, { error: "must be at least 1" }).max(24 * 365, { error: "must be at most 8760" }));

const timestamp = z.string().transform((s, ctx) => {
  const t = parseTimestamp(s);
  if (typeof t === "string") {
    ctx.addIssue({ code: "custom", message: t });
    return z.NEVER;
  }
  return t;
});

export const ZMetricsQuery = z
  .object({
    from: date.optional(),
    to: date.optional(),
    channel: list(z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` }), "channel").optional(),
    population: list(z.enum(POPULATIONS, { error: `must be one of ${POPULATIONS.join(", ")}` }), "population").optional(),
    customer_tier: list(z.string().max(50, { error: "longer than 50 characters" }), "customer_tier").optional(),
    topic: list(z.string().max(200, { error: "longer than 200 characters" }), "topic").optional(),
    group_by: list(z.enum(GROUP_DIMENSIONS, { error: `must be one of ${GROUP_DIMENSIONS.join(", ")}` }), "group_by").optional(),
    as_of: timestamp.optional(),
    recontact_hours: hours.optional(),
    verification_hours: hours.optional(),
  })
  .strict();
export type TMetricsQuery = z.infer<typeof ZMetricsQuery>;

export interface SliceFilters {
  channel?: string[];
  population?: string[];
  customer_tier?: string[];
  topic?: string[];
}

/** A fully resolved request: every default applied. */
export interface MetricsRequest {
  from: string;
  to: string;
  filters: SliceFilters;
  groupBy: GroupDimension[];
  asOf: Date;
  recontactHours: number;
  verificationHours: number;
}

export class ParameterError extends Error {
  constructor(readonly parameter: string, message: string) {
    super(`${parameter}: ${message}`);
  }
}

/** Parse query parameters (as a plain record of strings); throws ParameterError naming the parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, params: Record<string, string>): z.infer<S> {
  const r = schema.safeParse(params);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (issue.code === "unrecognized_keys") {
    throw new ParameterError(issue.keys[0], "unknown parameter");
  }
  const parameter = String(issue.path[0] ?? "query");
  const message = issue.message.startsWith(`${parameter}: `) ? issue.message.slice(parameter.length + 2) : issue.message;
  throw new ParameterError(parameter, message);
}

export function searchParamsToRecord(sp: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of sp) out[k] = k in out ? `${out[k]},${v}` : v;
  return out;
}

/** Apply defaults: the last 28 days up to as_of, windows from settings. */
export function resolveRequest(q: TMetricsQuery, latestEvent: Date | null, settings: MetricSettings): MetricsRequest {
  const asOf = q.as_of ?? latestEvent ?? new Date();
  const asOfDate = asOf.toISOString().slice(0, 10);
  const to = q.to ?? asOfDate;
  const from = q.from ?? format(subDays(parseISO(to), 27), "yyyy-MM-dd");
  if (from > to) throw new ParameterError("from", `${from} is after to (${to})`);
  return {
    from,
    to,
    filters: { channel: q.channel, population: q.population, customer_tier: q.customer_tier, topic: q.topic },
    groupBy: q.group_by ?? [],
    asOf,
    recontactHours: q.recontact_hours ?? settings.recontact_hours,
    verificationHours: q.verification_hours ?? settings.verification_hours,
  };
}

/** [from 00:00Z, to + 1 day 00:00Z) as instants (metrics.md §2). */
export function sliceBounds(req: Pick<MetricsRequest, "from" | "to">): { start: Date; end: Date } {
  return { start: new Date(`${req.from}T00:00:00Z`), end: new Date(Date.parse(`${req.to}T00:00:00Z`) + 86_400_000) };
}
