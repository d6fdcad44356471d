import { BackupError, describeTables, restoreDatabase } from "../../lib/backup";
import { parse, UsageError } from "../args";

const USAGE = "restore FILE [--force]";

/**
 * `restore FILE [--force]`: loads a backup into this (migrated) database. Refuses a database that
 * has data unless --force, which deletes everything in it first. One transaction: all or nothing.
 */
export async function run(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parse(argv, { force: { type: "boolean" } }, true);
    if (positionals.length !== 1) throw new UsageError(positionals.length ? "give exactly one FILE" : "FILE is required");
    const started = Date.now();
    const result = await restoreDatabase(positionals[0], { force: values.force });
    process.stdout.write(
      `restored ${positionals[0]} (made ${result.manifest.created_at})${result.truncated ? " after deleting the previous contents" : ""}: ` +
        `${describeTables(result.tables)} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    process.stderr.write("Sessions are not part of a backup: everyone signs in again.\n");
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
