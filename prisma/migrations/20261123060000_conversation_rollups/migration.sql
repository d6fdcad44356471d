-- Exact rollups of the additive metric inputs (docs/scaling.md, lib/rollups): one row per UTC
-- day of started_at x channel x population x customer_tier x topic, over the conversations whose
-- re-contact and verification windows had closed at rollup_state.horizon.

-- the live tail of a request (conversations not closed at the horizon) is found by ended_at
CREATE INDEX "conversations_ended_at_idx" ON "conversations" ("ended_at");

CREATE TABLE "conversation_rollups" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    "channel" TEXT,
    "population" TEXT NOT NULL,
    "customer_tier" TEXT,
    "topic" TEXT,
    -- the lib/metrics/definitions.ts ADDITIVE_ITEMS in their order (lib/rollups/state.ts
    -- ROLLUP_LAYOUT): integers here, sums of durations in numeric, exact whatever the order
    -- they were added in
    "counts" BIGINT[],
    "sums" DECIMAL[],
    CONSTRAINT "conversation_rollups_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "conversation_rollups_day_idx" ON "conversation_rollups" ("day");

-- one (day, segment) row each, nulls included, so a change merges into its row (ON CONFLICT)
CREATE UNIQUE INDEX "conversation_rollups_segment_key" ON "conversation_rollups" ("day", "channel", "population", "customer_tier", "topic") NULLS NOT DISTINCT;

-- rolled-up conversation rows as they were before a change (sign -1) and after it (+1), written
-- by the triggers below and folded into conversation_rollups by the refresh in the same
-- transaction; one left behind (a write outside the ingest path) makes readers use live rows
CREATE TABLE "rollup_changes" (
    "id" BIGSERIAL NOT NULL,
    "sign" SMALLINT NOT NULL,
    "conversation" conversations NOT NULL,
    CONSTRAINT "rollup_changes_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "rollup_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    -- hash of the additive items' SQL: a changed metric definition invalidates every row
    "signature" TEXT NOT NULL DEFAULT '',
    "recontact_hours" INTEGER NOT NULL DEFAULT 0,
    "verification_hours" INTEGER NOT NULL DEFAULT 0,
    -- null: nothing rolled up
    "horizon" TIMESTAMPTZ(3),
    CONSTRAINT "rollup_state_pkey" PRIMARY KEY ("id")
);
INSERT INTO "rollup_state" ("id") VALUES (1);

-- Every write to conversations, whatever the code path (derive, next_contact_at, erase, a
-- future one), records the rolled-up rows it changed: statement level, set-based over the
-- transition tables, only rows closed at the horizon (the others are not in the rollup).
CREATE FUNCTION "rollup_record_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_changes (sign, conversation)
    SELECT -1, ROW(r.*)::conversations FROM old_rows r, rollup_state st
    WHERE st.horizon IS NOT NULL AND r.started_at IS NOT NULL
      AND r.ended_at + make_interval(hours => greatest(st.recontact_hours, st.verification_hours)) <= st.horizon;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO rollup_changes (sign, conversation)
    SELECT 1, ROW(r.*)::conversations FROM new_rows r, rollup_state st
    WHERE st.horizon IS NOT NULL AND r.started_at IS NOT NULL
      AND r.ended_at + make_interval(hours => greatest(st.recontact_hours, st.verification_hours)) <= st.horizon;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "conversations_rollup_insert" AFTER INSERT ON "conversations"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "rollup_record_changes"();
CREATE TRIGGER "conversations_rollup_update" AFTER UPDATE ON "conversations"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "rollup_record_changes"();
CREATE TRIGGER "conversations_rollup_delete" AFTER DELETE ON "conversations"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "rollup_record_changes"();

-- TRUNCATE fires no row or statement DML trigger of its own kind: forget every rollup
CREATE FUNCTION "rollup_reset"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM conversation_rollups;
  DELETE FROM rollup_changes;
  UPDATE rollup_state SET horizon = NULL;
  RETURN NULL;
END
$$;
CREATE TRIGGER "conversations_rollup_truncate" AFTER TRUNCATE ON "conversations"
  FOR EACH STATEMENT EXECUTE FUNCTION "rollup_reset"();
