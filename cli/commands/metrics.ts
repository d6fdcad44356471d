import { computeMetrics, parseQuery, ParameterError, ZMetricsQuery } from "../../lib/metrics";
import { parse, UsageError } from "../args";

const FLAGS = ["from", "to", "group-by", "channel", "population", "customer-tier", "topic", "as-of", "recontact-hours", "verification-hours"] as const;

/** Prints exactly the GET /api/v1/metrics JSON for the same parameters. */
export async function run(argv: string[]): Promise<number> {
  const options = Object.fromEntries(FLAGS.map((f) => [f, { type: "string" as const, multiple: true }]));
  const { values } = parse(argv, options);
  const query: Record<string, string> = {};
  for (const [flag, v] of Object.entries(values)) {
    if (v !== undefined) query[flag.replace(/-/g, "_")] = (v as string[]).join(",");
  }
  try {
    const result = await computeMetrics(parseQuery(ZMetricsQuery, query));
    process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    return 0;
  } catch (e) {
    if (e instanceof ParameterError) throw new UsageError(`--${e.parameter.replace(/_/g, "-")}: ${e.message.slice(e.parameter.length + 2)}`);
    throw e;
  }
}
