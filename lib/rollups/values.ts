import { Prisma } from "../generated/prisma/client";

const sql = Prisma.sql;

/**
 * The filter menus' values kept beside the rollup (`conversation_rollup_values`): per dimension
 * and value, how many started conversations that had ended at the horizon carry it — the
 * conversations the sketches hold, folded from the same change rows. A count, not a flag: an
 * erasure or a changed tier takes a value out when its last conversation leaves. The menus then
 * read these rows plus the conversations ended after the horizon (the last hour's), instead of
 * every conversation whose windows are still open (the last 72 hours': ~322 000 at 10 M, 0.7 s
 * cold).
 */

/** The filter dimensions a conversation row `alias` carries, one (dimension, value) row each. */
export const dimensionValues = (alias: string) => {
  const a = Prisma.raw(alias);
  return sql`CROSS JOIN LATERAL (VALUES ('customer_tier', ${a}.customer_tier), ('topic', ${a}.topic)) AS v(dimension, value)`;
};

/**
 * `SELECT dimension, value, conversations` over conversation rows `s`, each counted `weight`
 * times (+1 / -1) when given; a value whose changes cancel out is left out.
 */
export function valueRows(from: Prisma.Sql, weight?: string): Prisma.Sql {
  const n = Prisma.raw(weight ? `sum(${weight})` : "count(*)");
  return sql`
    SELECT v.dimension, v.value, ${n} AS conversations
    FROM ${from} ${dimensionValues("s")}
    WHERE v.value IS NOT NULL
    GROUP BY 1, 2
    ${weight ? sql`HAVING ${n} <> 0` : Prisma.empty}`;
}
