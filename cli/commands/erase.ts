import { eraseCustomer } from "../../lib/maintenance/erase";
import { parse, UsageError } from "../args";

/** Right to erasure: the customer's events and everything derived from them. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { "customer-id": { type: "string" } });
  const customerId = values["customer-id"];
  if (!customerId) throw new UsageError("--customer-id is required");
  const r = await eraseCustomer(customerId);
  process.stdout.write(
    `erased: ${r.eventsDeleted} events, ${r.conversationsDeleted} conversations deleted, ${r.conversationsRecomputed} recomputed\n`,
  );
  return 0;
}
