-- events.import_id stays as provenance but is no longer a foreign key: the per-row RI trigger
-- was a third of a 1 M-event ingest (11 s of 35 s in the insert step, measured with
-- bench/data/115000.csv), and imports are never deleted, so ON DELETE SET NULL never fired.
ALTER TABLE "events" DROP CONSTRAINT "events_import_id_fkey";
