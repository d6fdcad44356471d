/** PostgreSQL advisory lock ids, in one place so two features never share one by accident. */
export const LOCKS = {
  migrate: 72_707_369,
  /** ingest's derive step, erasure: writers of derived rows take turns */
  derive: 72_707_371,
} as const;
