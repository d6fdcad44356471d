import { createApiKey, listApiKeys, revokeApiKey, SCOPES, type Scope } from "../../lib/auth/api-keys";
import { AuthError } from "../../lib/auth/errors";
import { parse, UsageError } from "../args";

const USAGE = [
  "api-key create --name N --scopes ingest,read",
  "api-key revoke --name N",
  "api-key list",
].join("\n       ");

function scopes(value: string | undefined): Scope[] {
  if (!value) throw new UsageError("--scopes is required (ingest, read or ingest,read)");
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length || list.length === 0) throw new UsageError(`--scopes: unknown scope "${bad[0] ?? value}"; use ingest and/or read`);
  return list as Scope[];
}

const fmt = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "-");

async function dispatch(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "create": {
      const { values } = parse(rest, { name: { type: "string" }, scopes: { type: "string" } });
      if (!values.name) throw new UsageError("--name is required");
      const { key, info } = await createApiKey({ name: values.name, scopes: scopes(values.scopes), createdBy: "cli" });
      process.stderr.write(
        `created API key "${info.name}" (scopes: ${info.scopes.join(",")}). Store it now: it is not shown again.\n`,
      );
      process.stdout.write(`${key}\n`);
      return 0;
    }
    case "revoke": {
      const { values } = parse(rest, { name: { type: "string" } });
      if (!values.name) throw new UsageError("--name is required");
      const info = await revokeApiKey(values.name);
      process.stdout.write(`revoked API key "${info.name}"\n`);
      return 0;
    }
    case "list": {
      parse(rest, {});
      const keys = await listApiKeys();
      if (keys.length === 0) {
        process.stdout.write("no API keys\n");
        return 0;
      }
      const rows = [
        ["NAME", "PREFIX", "SCOPES", "CREATED", "LAST USED", "STATUS"],
        ...keys.map((k) => [k.name, `${k.prefix}…`, k.scopes.join(","), fmt(k.createdAt), fmt(k.lastUsedAt), k.revokedAt ? `revoked ${fmt(k.revokedAt)}` : "active"]),
      ];
      const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
      for (const r of rows) process.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ") + "\n");
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : "missing subcommand");
  }
}

/** `api-key …` (argv: the arguments after "api-key"). Exit 0 ok, 1 refused/failed, 2 usage error. */
export async function run(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\nusage: ${USAGE}\n`);
      return 2;
    }
    if (e instanceof AuthError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
