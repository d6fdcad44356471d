import pg from "pg";
import { databaseUrl } from "./url";

// BIGINT counts come back as numbers: every count here fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// NUMERIC (percentile_cont over float is float8, but avg/sum over ints is numeric) as number.
pg.types.setTypeParser(1700, (v) => Number(v));

const globalForPool = globalThis as unknown as { __pgPool?: pg.Pool; __pgPoolUrl?: string };

/** The process-wide pool (one per URL; survives Next.js dev reloads). */
export function pool(): pg.Pool {
  const url = databaseUrl();
  if (!globalForPool.__pgPool || globalForPool.__pgPoolUrl !== url) {
    globalForPool.__pgPool = new pg.Pool({
      connectionString: url,
      max: Number(process.env.DB_POOL_SIZE || 10),
      // ingest stages batches in temp tables and sorts them: give sessions room to do it in memory
      options: "-c temp_buffers=256MB -c work_mem=64MB",
    });
    globalForPool.__pgPool.on("error", () => {}); // idle-client errors surface on the next query
    globalForPool.__pgPoolUrl = url;
  }
  return globalForPool.__pgPool;
}

export async function closePool() {
  const p = globalForPool.__pgPool;
  globalForPool.__pgPool = undefined;
  globalForPool.__pgPoolUrl = undefined;
  await p?.end();
}
