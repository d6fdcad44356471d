import { config } from "../config";
import { runningClusterUrl } from "./embedded";

/**
 * The connection string for in-process clients: DATABASE_URL (set by `npm start` for the server
 * it spawns, or by the operator), else the running embedded cluster of DATA_DIR.
 */
export function databaseUrl(): string {
  const url = config.databaseUrl ?? runningClusterUrl(config.dataDir);
  if (!url) {
    throw new Error(
      `No database: DATABASE_URL is unset and no embedded PostgreSQL is running in ${config.dataDir}. Start the app with \`npm start\`.`,
    );
  }
  return url;
}
