import { createHash } from "node:crypto";
import { ADDITIVE_ITEMS, DISTRIBUTIONS } from "../metrics/definitions";
import { GAMMA, ZERO_BUCKET } from "./sketch";

/**
 * Where each additive item lives in a rollup row: integers in `counts`, exact non-integer sums
 * in `sums` (1-based). Two arrays rather than one numeric[]: fixed-width elements are read in
 * constant time, a numeric[] element only by walking the array (20x slower over 82 items).
 */
export const ROLLUP_LAYOUT = (() => {
  const next = { counts: 0, sums: 0 };
  return ADDITIVE_ITEMS.map((item) => {
    const column = item.numeric ? ("sums" as const) : ("counts" as const);
    return { item, column, index: ++next[column] };
  });
})();

/** Which conversations the sketches hold (changed from "closed at the horizon" on 2026-12-02). */
const SKETCHES_HOLD = "ended at the horizon";

/** The tables the rollup keeps: one added here is filled by the rebuild its new signature causes. */
const KEPT = ["counts", "sketches", "filter values"];

/**
 * What a rollup row's arrays and the sketches mean: a hash of every additive item's alias and
 * SQL, the distributions, the sketches' buckets, which conversations they hold and the tables kept. A
 * deployment that changes a metric definition gets a new signature, and the refresh rebuilds
 * the rollup instead of adding new rows to old ones.
 */
export const ROLLUP_SIGNATURE = createHash("sha256")
  .update(JSON.stringify([ADDITIVE_ITEMS, DISTRIBUTIONS, GAMMA, ZERO_BUCKET, SKETCHES_HOLD, KEPT]))
  .digest("hex")
  .slice(0, 32);

/**
 * The horizon follows the latest event in steps of at least this much: each step finds the
 * conversations whose windows closed in between (a range scan of the ended_at index) and folds
 * them into the rollup; steps per hour rather than per single-event API call keep that work in
 * batches.
 */
export const HORIZON_STEP_MS = 60 * 60 * 1000;

export interface RollupWindows {
  recontactHours: number;
  verificationHours: number;
}

/** A conversation is rolled up when both windows had closed at the horizon. */
export const closedHours = (w: RollupWindows) => Math.max(w.recontactHours, w.verificationHours);

/** Environment switch for comparisons and emergencies: METRICS_ROLLUPS=0 reads live rows only. */
export const rollupsEnabled = () => process.env.METRICS_ROLLUPS !== "0";
