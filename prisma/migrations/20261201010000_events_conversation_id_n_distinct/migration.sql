-- ANALYZE estimates the number of distinct conversation_id values of events from a 30 000-row
-- sample, and because a conversation's events are stored together (they arrive together) it
-- sees each id many times and underestimates badly: 195 000 conversations for 10 M (457 events
-- each instead of 9). The derive of a 100 k-event file then expected 5 M events for its 11 000
-- conversations and hashed a sequential scan of all of events (24 of its 33 s at 10 M
-- conversations) instead of probing the index: ingest cost grew with the stored history.
-- A negative n_distinct is a ratio to the row count, so it stays right as events grow:
-- 0.1 = about 10 events per conversation (the demo data has 8.7; real conversations 5 to 30,
-- within the range where the index probe wins by far). docs/scaling.md, "Ingest and history".
ALTER TABLE "events" ALTER COLUMN "conversation_id" SET (n_distinct = -0.1);
ANALYZE "events";
