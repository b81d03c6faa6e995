// Lab 04's SingleStore-like layout, run end to end: start the leaves, spread a sample of the loaded rows
// over them through the Spider table, count the rows per leaf, see which leaves each query reaches and
// how long it takes, and stop the leaves again.
import type { Db } from '../../lib/db/connect.ts';
import { namedQuery } from '../../lib/db/queries.ts';
import { skew } from './distribution.ts';
import { timeQuery } from './latency.ts';
import { SPIDER_TABLE, fillSpider, leafRows, leaves, selectsPerLeaf, setupSpider, spiderAvailable } from './spider.ts';
import type { QueryRun } from '../../lib/db/dashboard.ts';

export type SpiderReport = {
  leaves: { leaf: string; port: number; rows: number }[];
  copied: number;
  skew: number;
  queries: { query: string; question: string; selects_per_leaf: number[]; ms: number[] }[];
};

/** The questions asked through the Spider table: one that names a customer, two time windows. */
export const SPIDER_QUERIES = ['customer_recent', 'totals_5_min', 'category_hourly_revenue'];

/** `runs`: the dashboard questions (those in SPIDER_QUERIES are asked). */
export type SpiderOptions = {
  stackDir: string;
  ports: readonly number[];
  rows: number;
  runs: readonly QueryRun[];
  reps: number;
  budgetMs: number;
  log: (line: string) => void;
};

/** The layout's report, or null when this server has no Spider engine (said through `log`). */
export async function spiderDemo(db: Db, o: SpiderOptions): Promise<SpiderReport | null> {
  if (!(await spiderAvailable(db))) {
    o.log(
      'no Spider engine on this server: skipping the leaves (Debian/Ubuntu: apt-get install mariadb-plugin-spider)',
    );
    return null;
  }
  const ls = leaves(o.stackDir, o.ports);
  const started: typeof ls = [];
  try {
    for (const leaf of ls) {
      await leaf.server.start();
      started.push(leaf);
    }
    o.log(
      `leaves up: ${ls.map((l) => `${l.name} on 127.0.0.1:${l.server.port}`).join(', ')} (data under ${o.stackDir}/leaves)`,
    );
    await setupSpider(db, ls);
    const fill = await fillSpider(db, o.rows);
    const perLeaf = await leafRows(db, ls);
    const queries: SpiderReport['queries'] = [];
    for (const run of o.runs.filter((r) => SPIDER_QUERIES.includes(r.query))) {
      const sql = namedQuery(run.query).sql.replace(/\bFROM transactions\b/, `FROM ${SPIDER_TABLE}`);
      const { selects } = await selectsPerLeaf(ls, () => db.pool.query(sql, run.params(0)));
      const t = await timeQuery(db.pool, sql, run.params, { reps: o.reps, budgetMs: o.budgetMs });
      queries.push({ query: run.query, question: run.question, selects_per_leaf: selects, ms: t.ms });
    }
    return { leaves: perLeaf, copied: fill.copied, skew: skew(perLeaf), queries };
  } finally {
    // the leaves are this lab's processes: they stop with it (their data stays for the next run)
    for (const leaf of started) await leaf.server.stop();
  }
}
