import { Prisma } from "../generated/prisma/client";
import { sliceBounds, type MetricsRequest, type SliceFilters } from "./request";

const sql = Prisma.sql;

/** WHERE conditions of metrics.md §2: started_at in [from, to + 1 day) and every given filter. */
export function sliceConditions(range: Pick<MetricsRequest, "from" | "to">, filters: SliceFilters): Prisma.Sql {
  const { start, end } = sliceBounds(range);
  const conds = [sql`c.started_at >= ${start}::timestamptz`, sql`c.started_at < ${end}::timestamptz`];
  for (const key of ["channel", "population", "customer_tier", "topic"] as const) {
    const values = filters[key];
    if (values?.length) conds.push(sql`${Prisma.raw(`c.${key}`)} = ANY(${values}::text[])`);
  }
  return Prisma.join(conds, " AND ");
}

/**
 * The slice as a derived table `s`: the conversation rows plus the flags that depend on the
 * request's as_of and windows (design-notes: window-independent storage, comparison at query time).
 */
export function sliceTable(req: MetricsRequest): Prisma.Sql {
  const vh = req.verificationHours;
  const rh = req.recontactHours;
  const asOf = req.asOf;
  return sql`(
    SELECT c.*,
      c.ended_at + make_interval(hours => ${vh}::int) <= ${asOf}::timestamptz AS closed_v,
      c.ended_at + make_interval(hours => ${rh}::int) <= ${asOf}::timestamptz AS closed_r,
      coalesce(c.next_contact_at <= c.ended_at + make_interval(hours => ${rh}::int), false) AS recontacted_r,
      c.resolved AND NOT c.reopened
        AND NOT coalesce(c.next_contact_at <= c.ended_at + make_interval(hours => ${vh}::int), false) AS verified
    FROM conversations c
    WHERE ${sliceConditions(req, req.filters)}
  ) s`;
}
