-- A segment's sketch may be stored as several parts whose buckets add up (lib/rollups/sketch-parts.ts,
-- docs/scaling.md): a refresh appends a change as a part instead of rewriting the segment's whole
-- row, and compacts a segment's parts once the small ones outgrow a quarter of its largest. So the
-- key is no longer unique; requests and compaction find parts by day. The stored rows stay valid:
-- each is its segment's only part.
DROP INDEX "conversation_rollup_sketches_key";
CREATE INDEX "conversation_rollup_sketches_day_idx" ON "conversation_rollup_sketches" ("day");
