-- The filter menus' values beside the rollup (lib/rollups/values.ts, docs/scaling.md): per
-- dimension (customer_tier, topic) and value, how many started conversations that had ended at
-- the horizon carry it — the conversations the sketches hold, folded from the same change rows.
-- A count rather than a flag, so an erasure or a changed tier takes a value out of the menus
-- when its last conversation leaves. The menus read these few rows plus the conversations ended
-- after the horizon, not every conversation whose windows are still open.
CREATE TABLE "conversation_rollup_values" (
    "id" BIGSERIAL NOT NULL,
    -- 'customer_tier' or 'topic'
    "dimension" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "conversations" BIGINT NOT NULL,
    CONSTRAINT "conversation_rollup_values_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "conversation_rollup_values_key" ON "conversation_rollup_values" ("dimension", "value");

-- TRUNCATE of conversations forgets the values too
CREATE OR REPLACE FUNCTION "rollup_reset"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM conversation_rollups;
  DELETE FROM conversation_rollup_sketches;
  DELETE FROM conversation_rollup_values;
  DELETE FROM rollup_changes;
  UPDATE rollup_state SET horizon = NULL;
  RETURN NULL;
END
$$;
