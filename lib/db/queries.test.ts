// The dialect-neutral queries of sql/queries.sql, run on MariaDB: each one parses and runs, each
// aggregate twin returns exactly its raw query's rows, and ignoring an index changes the plan, not the answer.
import { describe, expect, test } from 'bun:test';
import type { RowDataPacket } from 'mysql2/promise';
import { config } from '../config.ts';
import { TransactionGenerator } from '../generator/index.ts';
import { dashboardQueries } from './dashboard.ts';
import { writeRows } from '../sink/writer.ts';
import { useScratchDatabase } from '../testing/database.ts';
import { useEngines } from '../testing/engines.ts';
import { namedQueries, namedQuery } from './queries.ts';
import { withoutIndexes } from './sql-text.ts';

useEngines('db');
const scratch = useScratchDatabase('test_queries');

describe('the named queries on MariaDB', () => {
  const now = Date.now();
  const events = new TransactionGenerator({ ...config().generator, seed: 404 }).backfill(
    3000,
    now - 30 * 3_600_000,
    now,
  );
  const runs = dashboardQueries(
    now,
    events.slice(0, 5).map((e) => e.event.customer_id),
  );
  const run = async (sql: string, params: unknown[]) =>
    (await scratch.db().pool.query<RowDataPacket[]>(sql, params))[0];

  test('load 3,000 transactions over 30 hours through the sink writer', async () => {
    for (let i = 0; i < events.length; i += 1000)
      await writeRows(
        scratch.db().pool,
        events.slice(i, i + 1000).map((s) => ({ tx: s.event, origin: null })),
      );
  });

  test.each(runs.map((r) => [r.query, r] as const))('%s runs and finds rows', async (_, r) => {
    const rows = await run(namedQuery(r.query).sql, r.params(0));
    expect(rows.length).toBeGreaterThan(0);
    if (r.query === 'totals_5_min') expect(Number(rows[0]!.tx_count)).toBeGreaterThan(0);
  });

  test.each(runs.filter((r) => namedQueries().has(`${r.query}.agg`)).map((r) => [r.query, r] as const))(
    '%s.agg returns exactly the rows of the raw query',
    async (_, r) => {
      const [raw, agg] = [
        await run(namedQuery(r.query).sql, r.params(0)),
        await run(namedQuery(`${r.query}.agg`).sql, r.params(0)),
      ];
      expect(agg).toEqual(raw);
    },
  );

  test.each(runs.map((r) => [r.query, r] as const))('%s without its indexes gives the same answer', async (_, r) => {
    const q = namedQuery(r.query);
    expect(await run(withoutIndexes(q), r.params(1))).toEqual(await run(q.sql, r.params(1)));
  });
});
