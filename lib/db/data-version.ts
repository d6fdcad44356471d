import type { PoolClient } from "pg";

/** Call inside the transaction that changes events or derived rows. */
export async function bumpDataVersion(client: PoolClient) {
  await client.query("UPDATE data_version SET version = version + 1 WHERE id = 1");
}
