import type { ClientBase } from "pg";
import { Prisma } from "../generated/prisma/client";
import { sketchArrays, sketchRows } from "./sketch";

const sql = Prisma.sql;

/**
 * A segment's sketch (day × channel × population × distribution) may be stored as several
 * parts, rows of `conversation_rollup_sketches`; its sketch is their sum, bucket by bucket
 * (counts add, and a part may hold -1s: a conversation that left a bucket). Readers sum the parts
 * of their days anyway, so an extra part costs them only its few (bucket, count) pairs.
 *
 * Why parts: a refresh used to merge each change into its segment's one row, and a merge
 * rewrites every bucket of the row (unnest, group, two sorts). A file spread over the history
 * touches nearly every segment with one or two buckets each: at 10 M conversations that was
 * ~7 700 rows of ~150 buckets rewritten, 1-2 s of the refresh, where an empty database merges
 * nothing. Appending the change as a part costs what the change holds (a synthetic 7 680 rows:
 * ~1 s merged, ~30 ms appended).
 *
 * Parts are compacted into one when the small ones outgrow a quarter of the segment's largest
 * part, or a segment has more than MAX_PARTS: readers then never read more than ~25 % extra
 * pairs or MAX_PARTS rows for a segment, and each stored bucket is rewritten once per that much
 * change instead of once per change. A time-ordered import, whose changes are each a large share
 * of their days, compacts at every refresh as before.
 */
export const MAX_PARTS = 8;
/** Compact when the parts other than the largest hold more than 1 / SMALL_SHARE of its pairs. */
export const SMALL_SHARE = 4;

const COLUMNS = sql`day, channel, population, distribution, buckets, counts`;

/** Append the signed change rows `s` of `from` (with `s.sign`) as parts, then compact the segments that need it. */
export async function addSketchParts(client: ClientBase, from: Prisma.Sql): Promise<void> {
  const { rows } = await client.query<{ since: string }>("SELECT coalesce(max(id), 0)::text AS since FROM conversation_rollup_sketches");
  const since = rows[0].since;
  const append = sql`INSERT INTO conversation_rollup_sketches (${COLUMNS}) ${sketchRows(from, "s.sign")}`;
  await client.query(append.text, append.values);
  const compact = compactSketches(since);
  await client.query(compact.text, compact.values);
}

/**
 * On the days of the parts above `since` (this refresh's), the segments that need compacting,
 * their parts replaced by their sum. A segment not touched now already passed this check when it
 * last was, so only the touched days are read.
 */
function compactSketches(since: string): Prisma.Sql {
  return sql`
    WITH hot AS (
      SELECT r.day, r.channel, r.population, r.distribution
      FROM conversation_rollup_sketches r
      WHERE r.day IN (SELECT t.day FROM conversation_rollup_sketches t WHERE t.id > ${since}::bigint)
      GROUP BY 1, 2, 3, 4
      HAVING count(*) > 1 AND (
        count(*) > ${MAX_PARTS}::int
        OR ${SMALL_SHARE}::int * (sum(cardinality(r.buckets)) - max(cardinality(r.buckets))) > max(cardinality(r.buckets)))
    ), gone AS (
      DELETE FROM conversation_rollup_sketches r USING hot h
      WHERE r.day = h.day AND r.population = h.population AND r.distribution = h.distribution AND r.channel IS NOT DISTINCT FROM h.channel
      RETURNING r.day, r.channel, r.population, r.distribution, r.buckets, r.counts
    )
    INSERT INTO conversation_rollup_sketches (${COLUMNS}) ${summedParts(sql`gone`)}`;
}

/**
 * `SELECT day, channel, population, distribution, buckets, counts`: one row per segment of the
 * sketch parts in `table`, their buckets summed, buckets summing to 0 and empty segments left
 * out — what a rebuild stores, so `verify` compares this form.
 */
export function summedParts(table: Prisma.Sql): Prisma.Sql {
  return sketchArrays(sql`
    SELECT p.day, p.channel, p.population, p.distribution, u.bucket, sum(u.n)::bigint AS n
    FROM ${table} p CROSS JOIN LATERAL unnest(p.buckets, p.counts) AS u(bucket, n)
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(u.n) <> 0`);
}
