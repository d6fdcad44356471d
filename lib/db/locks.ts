/** PostgreSQL advisory lock ids, in one place so two features never share one by accident. */
export const LOCKS = {
  migrate: 72_707_369,
  /** ingest's derive step, erasure: writers of derived rows take turns */
  derive: 72_707_371,
  /** ingest's insert into events (session-level, held for that one statement) */
  insert: 72_707_372,
} as const;
