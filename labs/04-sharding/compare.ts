// One dashboard question, three ways: with the indexes that serve it, with them ignored, and from the
// precomputed aggregate table, each timed and each answer compared with the indexed one; plus what
// EXPLAIN says about partitions and index.
import type { RowDataPacket } from 'mysql2/promise';
import type { Db } from '../../lib/db/connect.ts';
import { namedQueries, namedQuery } from '../../lib/db/queries.ts';
import { withoutIndexes } from '../../lib/db/sql-text.ts';
import type { VARIANTS } from '../../lib/results/lab04.ts';
import { type Pruning, explainPruning } from './explain.ts';
import { timeQuery } from './latency.ts';
import type { QueryRun } from '../../lib/db/dashboard.ts';

export type Variant = (typeof VARIANTS)[number];
export type VariantResult = { variant: Variant; ms: number[]; rows: number; same_answer: boolean | null };
export type Comparison = {
  run: QueryRun;
  sql: string;
  pruning: Pruning;
  plans: { variant: 'indexed' | 'no_index'; plan: string }[];
  variants: VariantResult[];
};

export type CompareOptions = { reps: number; budgetMs: number; partitions: number; signal?: AbortSignal };

/** Each question in turn (until the signal fires), naming it through `onQuestion` as it starts. */
export async function compareQueries(
  db: Db,
  runs: readonly QueryRun[],
  o: CompareOptions & { onQuestion?: (question: string) => void },
): Promise<Comparison[]> {
  const out: Comparison[] = [];
  for (const run of runs) {
    if (o.signal?.aborted) break;
    o.onQuestion?.(run.question);
    out.push(await compareQuery(db, run, o));
  }
  return out;
}

export async function compareQuery(db: Db, run: QueryRun, o: CompareOptions): Promise<Comparison> {
  const q = namedQuery(run.query);
  const explained = await explainPruning(db.pool, db.dialect, q.sql, run.params(0), o.partitions);
  const plans: Comparison['plans'] = [{ variant: 'indexed', plan: explained.plan }];
  const timing = { reps: o.reps, budgetMs: o.budgetMs, signal: o.signal };
  const sqls: Partial<Record<Variant, string>> = { indexed: q.sql };
  // IGNORE INDEX is MySQL/MariaDB syntax; on SingleStore the comparison is left out
  if (q.indexes.length && db.dialect === 'mysql') {
    sqls.no_index = withoutIndexes(q);
    plans.push({
      variant: 'no_index',
      plan: (await explainPruning(db.pool, db.dialect, sqls.no_index, run.params(0), o.partitions)).plan,
    });
  }
  const agg = namedQueries().get(`${run.query}.agg`);
  if (agg) sqls.aggregate = agg.sql;

  const answers = await answersInOneSnapshot(db, sqls, run.params(0));
  const variants: VariantResult[] = [];
  for (const [variant, sql] of Object.entries(sqls) as [Variant, string][]) {
    const t = await timeQuery(db.pool, sql, run.params, timing);
    const answer = answers[variant]!;
    variants.push({
      variant,
      ms: t.ms,
      rows: answer.length,
      same_answer: variant === 'indexed' ? null : JSON.stringify(answer) === JSON.stringify(answers.indexed),
    });
  }
  return { run, sql: q.sql, pruning: explained.pruning, plans, variants };
}

/**
 * Each variant's answer, all read from one consistent snapshot (MariaDB), so that a sink writing
 * into the table meanwhile cannot make equal answers look different.
 */
async function answersInOneSnapshot(
  db: Db,
  sqls: Partial<Record<Variant, string>>,
  params: unknown[],
): Promise<Partial<Record<Variant, RowDataPacket[]>>> {
  const conn = await db.pool.getConnection();
  const out: Partial<Record<Variant, RowDataPacket[]>> = {};
  try {
    if (db.dialect === 'mysql') {
      await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    }
    for (const [variant, sql] of Object.entries(sqls) as [Variant, string][])
      [out[variant]] = await conn.query<RowDataPacket[]>(sql, params);
    if (db.dialect === 'mysql') await conn.query('COMMIT');
  } finally {
    conn.release();
  }
  return out;
}
