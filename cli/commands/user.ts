import { AuthError } from "../../lib/auth/errors";
import { createUser, deleteUser, findUserByEmail, listUsers, setRole, type Role } from "../../lib/auth/users";
import { parse, UsageError } from "../args";

const USAGE = [
  "user create --email E (--password P | --password-stdin) --role admin|viewer",
  "user list",
  "user set-role --email E --role admin|viewer",
  "user delete --email E",
].join("\n       ");

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

function role(value: string | undefined): Role {
  if (value !== "admin" && value !== "viewer") throw new UsageError('--role must be "admin" or "viewer"');
  return value;
}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

async function byEmail(email: string) {
  const user = await findUserByEmail(email);
  if (!user) throw new AuthError("not_found", `no user with email ${email}`);
  return user;
}

async function dispatch(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "create": {
      const { values } = parse(rest, {
        email: { type: "string" },
        password: { type: "string" },
        "password-stdin": { type: "boolean" },
        role: { type: "string" },
      });
      const email = need(values.email, "--email");
      if (values.password !== undefined && values["password-stdin"]) {
        throw new UsageError("give either --password or --password-stdin, not both");
      }
      const password = values["password-stdin"] ? await readStdin() : need(values.password, "--password");
      const user = await createUser({ email, password, role: role(values.role) });
      process.stdout.write(`created ${user.role} ${user.email}\n`);
      return 0;
    }
    case "list": {
      parse(rest, {});
      const users = await listUsers();
      if (users.length === 0) {
        process.stdout.write("no users\n");
        return 0;
      }
      const width = Math.max(5, ...users.map((u) => u.email.length));
      process.stdout.write(`${"EMAIL".padEnd(width)}  ROLE    CREATED\n`);
      for (const u of users) {
        process.stdout.write(`${u.email.padEnd(width)}  ${u.role.padEnd(6)}  ${u.createdAt.toISOString()}\n`);
      }
      return 0;
    }
    case "set-role": {
      const { values } = parse(rest, { email: { type: "string" }, role: { type: "string" } });
      const user = await byEmail(need(values.email, "--email"));
      const updated = await setRole(user.id, role(values.role));
      process.stdout.write(`${updated.email} is now ${updated.role}\n`);
      return 0;
    }
    case "delete": {
      const { values } = parse(rest, { email: { type: "string" } });
      const user = await byEmail(need(values.email, "--email"));
      await deleteUser(user.id);
      process.stdout.write(`deleted ${user.email}\n`);
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : "missing subcommand");
  }
}

/** `user …` (argv: the arguments after "user"). Exit 0 ok, 1 refused/failed, 2 usage error. */
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
