// Times a query the way a dashboard runs it: the same statement again and again with fresh parameters,
// after a warm-up, until it has `reps` samples or has used its time budget (a full scan gets fewer).
import type { Pool, RowDataPacket } from 'mysql2/promise';

export type Timing = { ms: number[] };

export async function timeQuery(
  pool: Pool,
  sql: string,
  params: (i: number) => unknown[],
  opts: { reps: number; budgetMs: number; minReps?: number; warmup?: number; signal?: AbortSignal },
): Promise<Timing> {
  for (let i = 0; i < (opts.warmup ?? 2); i++) await pool.query<RowDataPacket[]>(sql, params(i));
  const ms: number[] = [];
  const started = performance.now();
  for (let i = 0; i < opts.reps && !opts.signal?.aborted; i++) {
    if (ms.length >= (opts.minReps ?? 5) && performance.now() - started > opts.budgetMs) break;
    const t = performance.now();
    await pool.query<RowDataPacket[]>(sql, params(i));
    ms.push(Math.round((performance.now() - t) * 1000) / 1000);
  }
  return { ms };
}
