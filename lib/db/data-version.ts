import type { Pool, PoolClient } from "pg";

/**
 * Call inside the transaction that changes events or derived rows. `partial`: a part of an import
 * still running (lib/ingest/chunked.ts), which settles with settleDataVersion when it ends; every
 * other write settles at once, so whoever wrote it reads it back (read-your-writes).
 */
export async function bumpDataVersion(client: PoolClient, { partial = false }: { partial?: boolean } = {}) {
  await client.query(
    "UPDATE data_version SET version = version + 1, settled = CASE WHEN $1 THEN settled ELSE version + 1 END WHERE id = 1",
    [partial],
  );
}

/** An import that committed in parts has ended (done or failed): its parts must now be read at once. */
export async function settleDataVersion(db: Pool | PoolClient) {
  await db.query("UPDATE data_version SET settled = version WHERE id = 1 AND settled < version");
}
