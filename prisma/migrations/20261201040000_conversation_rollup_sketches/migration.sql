-- Mergeable percentile sketches beside the exact rollup (lib/rollups/sketch.ts, docs/scaling.md):
-- per UTC day of started_at x channel x population (no tier, no topic: requests filtered or
-- grouped by those get exact percentiles from the rows) and distribution, how many rolled-up
-- conversations have their duration in each logarithmic bucket, as two parallel arrays sorted by
-- bucket: a request unnests a few thousand arrays instead of reading millions of rows. Kept from
-- the same recorded changes as conversation_rollups, in the same transaction.
CREATE TABLE "conversation_rollup_sketches" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "channel" TEXT,
    "population" TEXT NOT NULL,
    -- the index of the distribution in lib/metrics/definitions.ts DISTRIBUTIONS
    "distribution" SMALLINT NOT NULL,
    -- ceil(ln(seconds) / ln(gamma)), or the zero bucket, ascending; counts[i] is buckets[i]'s
    "buckets" INTEGER[],
    "counts" BIGINT[],
    CONSTRAINT "conversation_rollup_sketches_pkey" PRIMARY KEY ("id")
);

-- one row per (day, segment, distribution), nulls included, so a change merges into it; its
-- leading day also serves a request's range
CREATE UNIQUE INDEX "conversation_rollup_sketches_key" ON "conversation_rollup_sketches" ("day", "channel", "population", "distribution") NULLS NOT DISTINCT;

-- TRUNCATE of conversations forgets the sketches too
CREATE OR REPLACE FUNCTION "rollup_reset"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM conversation_rollups;
  DELETE FROM conversation_rollup_sketches;
  DELETE FROM rollup_changes;
  UPDATE rollup_state SET horizon = NULL;
  RETURN NULL;
END
$$;
