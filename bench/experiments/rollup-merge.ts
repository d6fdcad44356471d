/**
 * How a refresh can fold changes into stored rollup rows, timed on synthetic tables in a scratch
 * embedded cluster (/tmp/pg-rollup-merge): 125 000 segment rows of 76 bigint + 6 numeric items
 * with 11 000 changed segments (a 100 k-event file spread over a 10 M history), and 7 680 sketch
 * rows of ~150 buckets with a 2-bucket change each. Each statement runs three times in a
 * transaction that is rolled back. Evidence for lib/rollups/refresh.ts (addArrays) and
 * lib/rollups/sketch-parts.ts; not part of `npm run bench`:
 *
 *   npx tsx bench/experiments/rollup-merge.ts
 */
import pg from "pg";
import { startEmbedded } from "../../lib/db/embedded";

async function main() {
  const h = await startEmbedded("/tmp/pg-rollup-merge");
  const c = new pg.Client({ connectionString: h.url }); await c.connect();
  const q = (s: string) => c.query(s);
  const N = 125000, CH = 11000, NC = 76, NS = 6;
  const arr = (n: number, e: string) => `ARRAY[${Array.from({ length: n }, () => e).join(",")}]`;
  await q(`DROP TABLE IF EXISTS ra; DROP TABLE IF EXISTS rc; DROP TABLE IF EXISTS rd; DROP TABLE IF EXISTS ch`);
  await q(`CREATE TABLE ra (id bigserial primary key, k int not null, counts bigint[] not null, sums numeric[] not null) WITH (fillfactor=70)`);
  await q(`CREATE UNIQUE INDEX ra_k ON ra(k)`);
  await q(`INSERT INTO ra (k, counts, sums) SELECT g, ${arr(NC, "(random()*100)::bigint")}, ${arr(NS, "(random()*1000)::numeric")} FROM generate_series(1,${N}) g`);
  const cols = Array.from({ length: NC }, (_, i) => `c${i}`), scols = Array.from({ length: NS }, (_, i) => `s${i}`);
  await q(`CREATE TABLE rc (id bigserial primary key, k int not null, ${cols.map(x => x + " bigint not null").join(",")}, ${scols.map(x => x + " numeric not null").join(",")}) WITH (fillfactor=70)`);
  await q(`CREATE UNIQUE INDEX rc_k ON rc(k)`);
  await q(`INSERT INTO rc (k, ${cols.join(",")}, ${scols.join(",")}) SELECT k, ${cols.map((_, i) => `counts[${i + 1}]`).join(",")}, ${scols.map((_, i) => `sums[${i + 1}]`).join(",")} FROM ra`);
  await q(`CREATE TABLE rd (id bigserial primary key, k int not null, counts bigint[] not null, sums numeric[] not null) WITH (fillfactor=70)`);
  await q(`CREATE INDEX rd_k ON rd(k)`);
  await q(`INSERT INTO rd (k, counts, sums) SELECT k, counts, sums FROM ra`);
  await q(`CREATE TABLE ch AS SELECT (random()*${N})::int + 1 AS k, ${arr(NC, "1::bigint")} AS counts, ${arr(NS, "1::numeric")} AS sums FROM generate_series(1,${CH})`);
  await q(`VACUUM ANALYZE`);
  async function t(name: string, s: string) {
    for (let i = 0; i < 3; i++) {
      await q("BEGIN"); const t0 = performance.now(); const r = await q(s); const ms = performance.now() - t0; await q("ROLLBACK");
      console.log(name.padEnd(40), ms.toFixed(0), "ms", r.rowCount);
    }
  }
  const agg = `SELECT k, counts, sums FROM (SELECT DISTINCT ON (k) * FROM ch) x`;
  await t("array merge (unnest subquery, before)", `INSERT INTO ra AS r (k, counts, sums) ${agg} ON CONFLICT (k) DO UPDATE SET counts = ARRAY(SELECT a + b FROM unnest(r.counts, EXCLUDED.counts) WITH ORDINALITY AS t(a, b, i) ORDER BY i), sums = ARRAY(SELECT a + b FROM unnest(r.sums, EXCLUDED.sums) WITH ORDINALITY AS t(a, b, i) ORDER BY i) RETURNING r.id`);
  await t("array replace (no merge)", `INSERT INTO ra AS r (k, counts, sums) ${agg} ON CONFLICT (k) DO UPDATE SET counts = EXCLUDED.counts, sums = EXCLUDED.sums RETURNING r.id`);
  await t("columns merge", `INSERT INTO rc AS r (k, ${cols.join(",")}, ${scols.join(",")}) SELECT k, ${cols.map((_, i) => `counts[${i + 1}]`).join(",")}, ${scols.map((_, i) => `sums[${i + 1}]`).join(",")} FROM (${agg}) a ON CONFLICT (k) DO UPDATE SET ${[...cols, ...scols].map(x => `${x} = r.${x} + EXCLUDED.${x}`).join(",")} RETURNING r.id`);
  await t("append a row instead", `INSERT INTO rd (k, counts, sums) ${agg} RETURNING id`);
  await t("array constructor merge (now)", `INSERT INTO ra AS r (k, counts, sums) ${agg} ON CONFLICT (k) DO UPDATE SET counts = ARRAY[${Array.from({length: NC}, (_, i) => `r.counts[${i+1}] + EXCLUDED.counts[${i+1}]`).join(",")}], sums = ARRAY[${Array.from({length: NS}, (_, i) => `r.sums[${i+1}] + EXCLUDED.sums[${i+1}]`).join(",")}] RETURNING r.id`);
  await t("array merge no ORDER BY", `INSERT INTO ra AS r (k, counts, sums) ${agg} ON CONFLICT (k) DO UPDATE SET counts = ARRAY(SELECT a + b FROM unnest(r.counts, EXCLUDED.counts) AS t(a, b)), sums = ARRAY(SELECT a + b FROM unnest(r.sums, EXCLUDED.sums) AS t(a, b)) RETURNING r.id`);
  // sketches: 7000 rows, ~150 buckets each
  await q(`DROP TABLE IF EXISTS sa; DROP TABLE IF EXISTS sd; DROP TABLE IF EXISTS sch`);
  await q(`CREATE TABLE sa (id bigserial primary key, k int not null, buckets int[] not null, counts bigint[] not null)`);
  await q(`CREATE UNIQUE INDEX sa_k ON sa(k)`);
  await q(`INSERT INTO sa (k, buckets, counts) SELECT g, (SELECT array_agg(b ORDER BY b) FROM generate_series(100 + g % 7, 400 + g % 7, 2) b), (SELECT array_agg((random()*50)::bigint) FROM generate_series(100, 400, 2)) FROM generate_series(1, 7680) g`);
  await q(`CREATE TABLE sd AS SELECT * FROM sa`); await q(`CREATE INDEX sd_k ON sd(k)`);
  await q(`CREATE TABLE sch AS SELECT g AS k, ARRAY[150 + g % 50, 200 + g % 50] AS buckets, ARRAY[1::bigint, 1::bigint] AS counts FROM generate_series(1, 7680) g`);
  await q(`VACUUM ANALYZE`);
  await t("sketch merge (before)", `INSERT INTO sa AS r (k, buckets, counts) SELECT k, buckets, counts FROM sch ON CONFLICT (k) DO UPDATE SET (buckets, counts) = (
    SELECT coalesce(array_agg(m.bucket ORDER BY m.bucket), '{}'), coalesce(array_agg(m.n ORDER BY m.bucket), '{}')
    FROM (SELECT t.bucket, sum(t.n)::bigint AS n FROM unnest(r.buckets || EXCLUDED.buckets, r.counts || EXCLUDED.counts) AS t(bucket, n) GROUP BY t.bucket HAVING sum(t.n) <> 0) m) RETURNING r.id`);
  await t("sketch part appended (now)", `INSERT INTO sd (k, buckets, counts) SELECT k, buckets, counts FROM sch RETURNING id`);
  await c.end(); await h.stop();
}

void main();
