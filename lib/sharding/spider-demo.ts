// Lab 04's SingleStore-like layout, run end to end: start the leaves, spread a sample of the loaded rows
// over them through the Spider table, count the rows per leaf, see which leaves each query reaches and
// how long it takes, and stop the leaves again.
import type { Db } from '../db/connect.ts';
import { namedQuery } from '../db/queries.ts';
import { skew } from './distribution.ts';
import { timeQuery } from './latency.ts';
import { SPIDER_TABLE, fillSpider, leafRows, leaves, selectsPerLeaf, setupSpider } from './spider.ts';
import type { QueryRun } from './workload.ts';

export type SpiderReport = {
  leaves: { leaf: string; port: number; rows: number }[];
  copied: number;
  skew: number;
  queries: { query: string; question: string; selects_per_leaf: number[]; ms: number[] }[];
};

export type SpiderOptions = { stackDir: string; ports: readonly number[]; rows: number; runs: QueryRun[]; reps: number; budgetMs: number; log: (line: string) => void };

export async function spiderDemo(db: Db, o: SpiderOptions): Promise<SpiderReport> {
  const ls = leaves(o.stackDir, o.ports);
  const started: typeof ls = [];
  try {
    for (const leaf of ls) {
      await leaf.server.start();
      started.push(leaf);
    }
    o.log(`leaves up: ${ls.map((l) => `${l.name} on 127.0.0.1:${l.server.port}`).join(', ')} (data under ${o.stackDir}/leaves)`);
    await setupSpider(db, ls);
    const fill = await fillSpider(db, o.rows);
    const perLeaf = await leafRows(db, ls);
    const queries: SpiderReport['queries'] = [];
    for (const run of o.runs) {
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
