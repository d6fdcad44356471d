import { BackupError, backupDatabase, describeTables } from "../../lib/backup";
import { parse, UsageError } from "../args";

const USAGE = "backup FILE [--overwrite]";

/**
 * `backup FILE`: a consistent, gzip'd logical backup (manifest + COPY of every application
 * table; sessions and rate-limit state excluded). The file holds password hashes: keep it safe.
 */
export async function run(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parse(argv, { overwrite: { type: "boolean" } }, true);
    if (positionals.length !== 1) throw new UsageError(positionals.length ? "give exactly one FILE" : "FILE is required");
    const started = Date.now();
    const manifest = await backupDatabase(positionals[0], { overwrite: values.overwrite });
    process.stdout.write(
      `backed up ${manifest.tables.length} tables (${describeTables(manifest.tables)}) to ${positionals[0]} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    process.stderr.write("The file contains password hashes and the audit log: store it where only admins can read it.\n");
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\nusage: npm run cli -- ${USAGE}\n`);
      return 2;
    }
    if (e instanceof BackupError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
