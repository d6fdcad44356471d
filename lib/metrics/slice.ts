import { Prisma } from "../generated/prisma/client";
import { sliceBounds, type MetricsRequest, type SliceFilters } from "./request";

const sql = Prisma.sql;

export const FILTER_DIMENSIONS = ["channel", "population", "customer_tier", "topic"] as const;

/** `<alias>.<dimension> = ANY(values)` for every given filter (true when there is none). */
export function filterConditions(filters: SliceFilters, alias: string): Prisma.Sql[] {
  const conds: Prisma.Sql[] = [];
  for (const key of FILTER_DIMENSIONS) {
    const values = filters[key];
    if (values?.length) conds.push(sql`${Prisma.raw(`${alias}.${key}`)} = ANY(${values}::text[])`);
  }
  return conds;
}

/** WHERE conditions of metrics.md §2: started_at in [from, to + 1 day) and every given filter. */
export function sliceConditions(range: Pick<MetricsRequest, "from" | "to">, filters: SliceFilters): Prisma.Sql {
  const { start, end } = sliceBounds(range);
  const conds = [sql`c.started_at >= ${start}::timestamptz`, sql`c.started_at < ${end}::timestamptz`];
  return Prisma.join([...conds, ...filterConditions(filters, "c")], " AND ");
}

/**
 * The flags that depend on as_of and the windows, over a conversation row `c`
 * (design-notes: window-independent storage, comparison at query time). The rollup build
 * evaluates the same expressions at its horizon.
 */
export function flagColumns(w: { verificationHours: number; recontactHours: number; asOf: Date }): Prisma.Sql {
  const vh = w.verificationHours;
  const rh = w.recontactHours;
  return sql`c.ended_at + make_interval(hours => ${vh}::int) <= ${w.asOf}::timestamptz AS closed_v,
      c.ended_at + make_interval(hours => ${rh}::int) <= ${w.asOf}::timestamptz AS closed_r,
      coalesce(c.next_contact_at <= c.ended_at + make_interval(hours => ${rh}::int), false) AS recontacted_r,
      c.resolved AND NOT c.reopened
        AND NOT coalesce(c.next_contact_at <= c.ended_at + make_interval(hours => ${vh}::int), false) AS verified`;
}

/**
 * The slice as a derived table `s`: the conversation rows plus the request-dependent flags.
 * `extra` narrows it further (the rows a rollup does not hold).
 */
export function sliceTable(req: MetricsRequest, extra?: Prisma.Sql): Prisma.Sql {
  const where = extra ? sql`${sliceConditions(req, req.filters)} AND ${extra}` : sliceConditions(req, req.filters);
  return sql`(
    SELECT c.*, ${flagColumns(req)}
    FROM conversations c
    WHERE ${where}
  ) s`;
}
