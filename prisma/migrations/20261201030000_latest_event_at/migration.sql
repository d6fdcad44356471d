-- as_of's default, the latest `at` of any stored event, kept on the one data_version row by the
-- writers of conversations instead of read from an index on conversations.last_event_at. That
-- index cost every new conversation one more random B-tree page: at 10 M conversations a file
-- spread over the history spent a third of its derive reading those pages (docs/scaling.md).
ALTER TABLE "data_version" ADD COLUMN "latest_event_at" TIMESTAMPTZ(3);

-- Statement level over the transition tables, like the rollup's change recording, so every
-- write path (derive, next_contact_at, erase, restore, a manual statement) keeps it.
CREATE FUNCTION "track_latest_event"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added TIMESTAMPTZ;
  removed TIMESTAMPTZ;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN SELECT max(last_event_at) INTO added FROM new_rows; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN SELECT max(last_event_at) INTO removed FROM old_rows; END IF;
  -- Lock the row first: a re-read below then sees every writer that committed before us
  -- (READ COMMITTED takes a new snapshot per statement).
  PERFORM 1 FROM data_version WHERE id = 1 FOR UPDATE;
  UPDATE data_version SET latest_event_at = CASE
      -- the row holding the latest went or moved back (an erasure): read the latest again, a
      -- scan, but only then
      WHEN removed >= latest_event_at AND (added IS NULL OR added < removed)
        THEN (SELECT max(last_event_at) FROM conversations)
      ELSE greatest(latest_event_at, added)
    END
  WHERE id = 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER "conversations_latest_insert" AFTER INSERT ON "conversations"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "track_latest_event"();
CREATE TRIGGER "conversations_latest_update" AFTER UPDATE ON "conversations"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "track_latest_event"();
CREATE TRIGGER "conversations_latest_delete" AFTER DELETE ON "conversations"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "track_latest_event"();

CREATE FUNCTION "reset_latest_event"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_version SET latest_event_at = NULL WHERE id = 1;
  RETURN NULL;
END
$$;
CREATE TRIGGER "conversations_latest_truncate" AFTER TRUNCATE ON "conversations"
  FOR EACH STATEMENT EXECUTE FUNCTION "reset_latest_event"();

UPDATE "data_version" SET "latest_event_at" = (SELECT max("last_event_at") FROM "conversations") WHERE "id" = 1;

DROP INDEX "conversations_last_event_at_idx";
