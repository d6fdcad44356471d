import { inBackground, prisma } from "../db/prisma";
import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { additiveAggregate, ADDITIVE_ITEMS, type AdditiveItem } from "../metrics/definitions";
import type { MetricsRequest } from "../metrics/request";
import { filterConditions, sliceTable } from "../metrics/slice";
import { closedHours, ROLLUP_LAYOUT, rollupsEnabled, ROLLUP_SIGNATURE, type RollupWindows } from "./state";

const sql = Prisma.sql;
type Db = Pick<PrismaClient, "$queryRaw">;

// a cold computation over millions of conversations takes seconds, not Prisma's default 5 s cap
const READ_TRANSACTION = { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 10 * 60_000, maxWait: 60_000 };

/**
 * Run reads in one REPEATABLE READ snapshot: the coverage read and the queries using it (and
 * percentiles beside them) then see the same rollup, horizon and conversations, even while an
 * ingest commits.
 */
export function inSnapshot<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  return prisma().$transaction(async (tx) => {
    // the exact percentiles sort every duration of the range: at 1 M conversations the default
    // 4 MB spilled them to disk (90 days: 1.9 s -> 1.2 s with 64 MB); only this transaction
    await tx.$executeRaw`SET LOCAL work_mem = '64MB'`;
    return fn(tx);
  }, READ_TRANSACTION);
}

/** Columns a request can group the additive rows by, on a live slice row `s` and on a rollup row `r`. */
const DIMENSIONS = {
  channel: { live: "s.channel", rollup: "r.channel" },
  population: { live: "s.population", rollup: "r.population" },
  customer_tier: { live: "s.customer_tier", rollup: "r.customer_tier" },
  day: { live: "(s.started_at AT TIME ZONE 'UTC')::date", rollup: "r.day" },
} as const;
export type AdditiveDimension = keyof typeof DIMENSIONS;

/** The part of a request the rollup answers: conversations closed at `horizon`. */
export interface RollupCoverage {
  horizon: Date;
  closedHours: number;
}

/**
 * Whether the rollup can answer this request, read in the caller's snapshot (run it in the
 * same REPEATABLE READ transaction as the query that uses it): built with the request's
 * windows and the current definitions, no change waiting to be folded in (a write outside the
 * ingest path), and an as_of at or after the horizon —
 * every rolled-up conversation is then closed for the request, so its flags are the rollup's.
 * When it can, the rest of the transaction plans without parallel workers unless the caller
 * says `parallelWorkers` and is not background work (see withoutParallelWorkers).
 */
export async function rollupCoverage(db: Db, req: MetricsRequest, { parallelWorkers = false } = {}): Promise<RollupCoverage | null> {
  const st = await rollupState(db);
  if (!st) return null;
  if (st.recontactHours !== req.recontactHours || st.verificationHours !== req.verificationHours) return null;
  if (req.asOf.getTime() < st.horizon.getTime()) return null;
  if (!parallelWorkers || inBackground()) await withoutParallelWorkers(db);
  return { horizon: st.horizon, closedHours: closedHours(req) };
}

/**
 * For the rest of the caller's transaction, plan without parallel workers. A read through the
 * rollup is a few hundred stored rows plus one index range of live ones, and a page runs several
 * such reads at once on a two-core machine: there workers split the range's heap reads at nearly
 * twice the CPU (the executive page's three reads side by side 1.1-1.4 s without workers against
 * 1.9-2.0 s with them at 10 M, session 12). A caller that runs one read alone — the metrics API,
 * the CLI — keeps them: the tail's aggregation is most of its time, and the other core is idle
 * (10 M, 28 d by channel × population, cold: 1.0-1.3 s against 1.6-2.4 s; docs/scaling.md,
 * "Parallel workers"). Background refreshes never use them: workers are new processes that do
 * not inherit the lowered priority of the backend that starts them. Rows-only reads keep them:
 * they scan whole ranges, where workers pay.
 */
async function withoutParallelWorkers(db: Db): Promise<void> {
  await db.$queryRaw`SELECT set_config('max_parallel_workers_per_gather', '0', true)`;
}

/**
 * The rollup as stored, when it holds exactly the conversations closed at its horizon under
 * its own windows (current definitions, no change waiting to be folded in): every started
 * conversation is then in the rollup or in `liveTail` of it, never in both.
 */
export async function rollupState(db: Db): Promise<(RollupWindows & RollupCoverage) | null> {
  if (!rollupsEnabled()) return null;
  const rows = await db.$queryRaw<{ signature: string; recontact_hours: number; verification_hours: number; horizon: Date | null; pending: boolean }[]>`
    SELECT signature, recontact_hours, verification_hours, horizon, EXISTS (SELECT 1 FROM rollup_changes) AS pending
    FROM rollup_state WHERE id = 1`;
  const st = rows[0];
  if (!st || st.horizon === null || st.pending || st.signature !== ROLLUP_SIGNATURE) return null;
  const w = { recontactHours: st.recontact_hours, verificationHours: st.verification_hours };
  return { ...w, horizon: st.horizon, closedHours: closedHours(w) };
}

/**
 * Started conversations `c` the rollup does not hold: a window still open at the horizon, one
 * range of conversations_ended_at_idx. A started conversation always has an ended_at (its start
 * counts, lib/ingest/derive.ts), so no `ended_at IS NULL` arm: written as that OR, the planner read
 * every conversation of the request's range, or the whole index, to find the tail (2.9 s instead
 * of 0.55 s for a 28-day request at 10 M conversations).
 */
export const liveTail = (coverage: RollupCoverage) =>
  sql`c.ended_at > ${coverage.horizon}::timestamptz - make_interval(hours => ${coverage.closedHours}::int)`;

/**
 * Started conversations `c` the sketches and the filter values do not hold: ended after the
 * horizon (they hold every conversation that had ended at it, windows closed or not;
 * lib/rollups/refresh.ts). The horizon
 * stays within HORIZON_STEP_MS of the latest event, so this is about the last hour's conversations.
 */
export const sketchTail = (coverage: RollupCoverage) => sql`c.ended_at > ${coverage.horizon}::timestamptz`;

/** The quoted column name of an additive item in the rows `additiveRows` returns. */
export const itemColumn = (alias: string) => Prisma.raw(`u."${alias}"`);

/**
 * A derived table `u` of the request's slice, grouped by `dims`, with one numeric column per
 * additive item of `items` (all by default): the rollup rows of the range's days plus the live
 * rows the rollup does not hold (not closed at the horizon), or the live rows alone without
 * coverage. `sum()` of a column over any set of `u` rows is that item over the union of their
 * conversations, exactly.
 */
export function additiveRows(
  req: MetricsRequest,
  coverage: RollupCoverage | null,
  dims: AdditiveDimension[],
  items: readonly AdditiveItem[] = ADDITIVE_ITEMS,
): Prisma.Sql {
  const liveDims = dims.map((d) => Prisma.raw(`${DIMENSIONS[d].live} AS "${d}"`));
  const liveItems = items.map((i) => sql`(${additiveAggregate(i)})::numeric AS ${Prisma.raw(`"${i.alias}"`)}`);
  const groupBy = dims.length ? sql`GROUP BY ${Prisma.join(dims.map((d) => Prisma.raw(DIMENSIONS[d].live)))}` : Prisma.empty;
  if (!coverage) {
    return sql`(SELECT ${Prisma.join([...liveDims, ...liveItems])} FROM ${sliceTable(req)} ${groupBy}) u`;
  }
  const tail = liveTail(coverage);
  const rollupDims = dims.map((d) => Prisma.raw(`${DIMENSIONS[d].rollup} AS "${d}"`));
  const rollupItems = ROLLUP_LAYOUT.filter((l) => items.includes(l.item)).map((l) => Prisma.raw(`sum(r.${l.column}[${l.index}])::numeric AS "${l.item.alias}"`));
  const rollupWhere = Prisma.join([sql`r.day >= ${req.from}::date`, sql`r.day <= ${req.to}::date`, ...filterConditions(req.filters, "r")], " AND ");
  // grouped here already, so the caller's CUBE runs over a handful of rows, not every segment-day
  const rollupGroupBy = dims.length ? sql`GROUP BY ${Prisma.join(dims.map((d) => Prisma.raw(DIMENSIONS[d].rollup)))}` : Prisma.empty;
  return sql`(
    SELECT ${Prisma.join([...rollupDims, ...rollupItems])} FROM conversation_rollups r WHERE ${rollupWhere} ${rollupGroupBy}
    UNION ALL
    SELECT ${Prisma.join([...liveDims, ...liveItems])} FROM ${sliceTable(req, tail)} ${groupBy}
  ) u`;
}
