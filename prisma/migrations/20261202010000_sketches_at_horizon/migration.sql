-- The sketches hold every started conversation that ended at or before the horizon, without
-- waiting for its windows to close: a duration does not depend on the re-contact or reopen
-- window, so the live tail a request merges into them shrinks from the last max(window) hours
-- of conversations to the last hour (docs/scaling.md, "Percentiles: mergeable sketches"). The
-- counts rollup still waits for the windows. One change row serves both: `sketch` and `counts`
-- say which of the two it is folded into (a row closed for the counts has also ended).
ALTER TABLE "rollup_changes" ADD COLUMN "sketch" BOOLEAN NOT NULL DEFAULT true,
  ADD COLUMN "counts" BOOLEAN NOT NULL DEFAULT true;

CREATE OR REPLACE FUNCTION "rollup_record_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO rollup_changes (sign, conversation, sketch, counts)
    SELECT -1, ROW(r.*)::conversations, true,
      r.ended_at + make_interval(hours => greatest(st.recontact_hours, st.verification_hours)) <= st.horizon
    FROM old_rows r, rollup_state st
    WHERE st.horizon IS NOT NULL AND r.started_at IS NOT NULL AND r.ended_at <= st.horizon;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO rollup_changes (sign, conversation, sketch, counts)
    SELECT 1, ROW(r.*)::conversations, true,
      r.ended_at + make_interval(hours => greatest(st.recontact_hours, st.verification_hours)) <= st.horizon
    FROM new_rows r, rollup_state st
    WHERE st.horizon IS NOT NULL AND r.started_at IS NOT NULL AND r.ended_at <= st.horizon;
  END IF;
  RETURN NULL;
END
$$;
