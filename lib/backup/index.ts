/**
 * Logical backup and restore with PostgreSQL's COPY (no pg_dump: the embedded PostgreSQL 18
 * ships no client tools and older pg_dump binaries refuse a newer server).
 *
 * File format (gzip):
 *   line 1   the manifest, one line of JSON: {format: "hsd-backup", version: 1, created_at,
 *            migrations: [applied migration names], tables: [{name, columns, rows}]}
 *   then     for each manifest table, in order, exactly `rows` lines of COPY text format
 *            (one row per line; newlines inside values are escaped by COPY itself).
 *
 * Backup reads every table in one REPEATABLE READ snapshot, so counts and rows agree and the
 * file is a consistent point in time while the server keeps running. Both directions stream:
 * no table is ever held in memory.
 */
export { BACKUP_FORMAT, BACKUP_VERSION, BackupError, describeTables, EXCLUDED_TABLES, type Manifest, type TableManifest } from "./format";
export { backupDatabase } from "./backup";
export { restoreDatabase, type RestoreResult } from "./restore";
