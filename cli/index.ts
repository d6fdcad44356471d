import { config } from "../lib/config";
import { openDatabase } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { closePool } from "../lib/db/pool";
import { closePrisma } from "../lib/db/prisma";
import { UsageError } from "./args";

type Command = { run(argv: string[]): Promise<number> };

const COMMANDS: Record<string, { load: () => Promise<Command>; help: string }> = {
  migrate: { load: async () => ({ run: async () => 0 }), help: "apply pending database migrations" },
  ingest: { load: () => import("./commands/ingest"), help: "ingest <file> [--format …] [--atomic] [--commit-every N] [--json]" },
  "demo-data": { load: () => import("./commands/demo-data"), help: "demo-data [--conversations N] [--seed S] [--days D] [--now ISO]" },
  metrics: { load: () => import("./commands/metrics"), help: "metrics [--from D --to D] [--group-by …] [filters] [--as-of ISO] [--recontact-hours N] [--verification-hours N]" },
  user: { load: () => import("./commands/user"), help: "user create --email E --password P --role admin|viewer" },
  "export-conversations": { load: () => import("./commands/export-conversations"), help: "export-conversations [--from D --to D] [filters] [--metric K --side numerator|denominator|pending] [--out FILE]: the derived table as CSV" },
  "export-events": { load: () => import("./commands/export-events"), help: "export-events [--format canonical|ndjson] [--out FILE]: every stored event, re-importable" },
  verify: { load: () => import("./commands/verify"), help: "verify [--json]: recompute every derived row from the events; exit 1 on any difference" },
  erase: { load: () => import("./commands/erase"), help: "erase --customer-id X: delete a customer's events and everything derived from them" },
  "api-key": { load: () => import("./commands/api-key"), help: "api-key create --name N --scopes ingest,read | revoke --name N | list" },
  backup: { load: () => import("./commands/backup"), help: "backup FILE [--overwrite]: gzip'd logical backup of every table (not sessions)" },
  restore: { load: () => import("./commands/restore"), help: "restore FILE [--force]: load a backup into an empty database (--force empties it first)" },
};

function usage() {
  return "usage: npm run cli -- <command> [options]\n\n" +
    Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`).join("\n") + "\n";
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  // The CLI joins the server's embedded cluster when it runs, or starts (and stops) its own.
  const db = await openDatabase(config.dataDir, config.databaseUrl);
  process.env.DATABASE_URL = db.url;
  try {
    const applied = await migrate(db.url);
    if (name === "migrate") {
      process.stdout.write(applied.length ? `applied ${applied.join(", ")}\n` : "database is up to date\n");
      return 0;
    }
    const mod = await command.load();
    return await mod.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\nusage: npm run cli -- ${command.help}\n`);
      return 2;
    }
    throw e;
  } finally {
    await closePool();
    await closePrisma();
    await db.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`error: ${(e as Error).message ?? e}\n`);
    process.exit(1);
  },
);
