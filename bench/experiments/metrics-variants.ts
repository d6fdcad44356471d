/**
 * Where the time of the segment query goes: the library's SQL and variants of it, each run
 * `--runs` times sequentially against a kept bench cluster (`npm run bench -- --keep`).
 *
 *   npx tsx bench/experiments/metrics-variants.ts [--n 115000] [--runs 7] [--url postgresql://…]
 *
 * Not part of `npm run bench`; evidence for the performance notes in the results files.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startEmbedded } from "../../lib/db/embedded";
import { Prisma } from "../../lib/generated/prisma/client";
import { additiveAggregate, ADDITIVE_ITEMS, percentileSelectList } from "../../lib/metrics/definitions";
import { resolveRequest } from "../../lib/metrics/request";
import { sliceTable } from "../../lib/metrics/slice";
import { DEFAULT_METRIC_SETTINGS } from "../../lib/settings/defaults";
import { FROM_28, FROM_90, TO } from "../lib/query";
import { DATA, percentile } from "../lib/util";

const { values } = parseArgs({ options: { n: { type: "string", default: "115000" }, runs: { type: "string", default: "7" }, url: { type: "string" } } });
const runs = Math.min(50, Number(values.runs));
const sql = Prisma.sql;

async function main() {
  const h = values.url ? { url: values.url, stop: async () => {} } : await startEmbedded(path.join(DATA, `pg-${values.n}`));
  const c = new pg.Client({ connectionString: h.url });
  await c.connect();
  try {
    const latest = (await c.query<{ at: Date }>("SELECT max(last_event_at) AS at FROM conversations")).rows[0].at;
    const settings = DEFAULT_METRIC_SETTINGS;
    const noPct = ADDITIVE_ITEMS.map((i) => sql`${additiveAggregate(i)} AS ${Prisma.raw(`"${i.alias}"`)}`);
    const items = [...noPct, ...percentileSelectList()];
    for (const [label, from, dims] of [["28 d, CUBE(channel, population)", FROM_28, ["channel", "population"]], ["90 d, no grouping", FROM_90, []]] as const) {
      const req = resolveRequest({ from, to: TO, group_by: [...dims] }, latest, settings);
      const slice = sliceTable(req);
      const dimSel = dims.flatMap((d) => [Prisma.raw(`s.${d} AS "${d}"`), Prisma.raw(`GROUPING(s.${d}) AS "${d}__total"`)]);
      const cube = dims.length ? Prisma.raw(`GROUP BY CUBE (${dims.map((d) => `s.${d}`).join(", ")})`) : Prisma.empty;
      const plain = dims.length ? Prisma.raw(`GROUP BY ${dims.map((d) => `s.${d}`).join(", ")}`) : Prisma.empty;
      const variants: [string, Prisma.Sql][] = [
        ["library SQL", sql`SELECT ${Prisma.join([...dimSel, ...items])} FROM ${slice} ${cube}`],
        ["flags materialised once (OFFSET 0 in the slice)", sql`SELECT ${Prisma.join([...dimSel, ...items])} FROM (SELECT * FROM ${slice} OFFSET 0) s ${cube}`],
        ["without the 8 percentile_cont", sql`SELECT ${Prisma.join([...dimSel, ...noPct])} FROM ${slice} ${cube}`],
        ["plain GROUP BY (no CUBE totals)", sql`SELECT ${Prisma.join([...dimSel, ...items])} FROM ${slice} ${plain}`],
        ["count(*) only over the slice, same grouping", sql`SELECT ${Prisma.join([...dimSel, Prisma.raw("count(*)")])} FROM ${slice} ${cube}`],
        ["SELECT count(*) FROM conversations", sql`SELECT count(*) FROM conversations`],
      ];
      process.stdout.write(`\n${label} (${runs} runs, ms)\n`);
      for (const [name, q] of variants) {
        for (let i = 0; i < 2; i++) await c.query(q.text, q.values);
        const t: number[] = [];
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          await c.query(q.text, q.values);
          t.push(performance.now() - t0);
        }
        process.stdout.write(`  ${name.padEnd(48)} p50 ${percentile(t, 50).toFixed(1).padStart(7)}  min ${Math.min(...t).toFixed(1).padStart(7)}\n`);
      }
    }
  } finally {
    await c.end();
    await h.stop();
  }
}
main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
