// Every dashboard query against the live engines, as Grafana would send it: a sink and a producer run
// a few hundred events through an isolated namespace, then each PromQL target must succeed on the
// stack's Prometheus (the producer and sink panels with data), and each SQL target must run on the
// sink's database. Heavy: `flock /tmp/txlab-heavy.lock bun test --timeout 120000 <this file>`.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { ensureDatabase, openDb, type Db } from '../../db/connect.ts';
import { migrate } from '../../db/migrate.ts';
import { verdictsDdl } from '../../fraud/review/sql/verdicts.ts';
import { TransactionGenerator } from '../../generator/index.ts';
import { createKafka, ensureTopics, withAdmin, withProducer } from '../../kafka.ts';
import { serveMetrics, type MetricsServer } from '../../metrics.ts';
import { DeliveryStats, produceAll } from '../../produce.ts';
import { PartitionCounts } from '../../send.ts';
import { type SinkProcess, spawnSink } from '../../sink/process.ts';
import { useEngines } from '../../testing/engines.ts';
import { isolated } from '../../testing/isolation.ts';
import { waitUntil } from '../../wait.ts';
import { MONITORING } from '../ports.ts';
import { dashboards } from './index.ts';
import { type DashboardJson, expandPromql, expandSql, queriesOf } from './queries.ts';

useEngines('kafka', 'db', 'temporal', 'prometheus', 'mysqld-exporter', 'lag-exporter');

const PROMETHEUS = `http://${MONITORING.host}:${MONITORING.prometheusPort}`;
const all = Object.values(dashboards).map((build) => build() as unknown as DashboardJson);
const variables = (d: DashboardJson) => (d.templating?.list ?? []).map((v) => v.name);
const N = 400;

type PromResult = { status: string; error?: string; data?: { result: unknown[] } };
async function query(expr: string): Promise<PromResult> {
  const res = await fetch(`${PROMETHEUS}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  return (await res.json()) as PromResult;
}

describe('the dashboards on the live engines', () => {
  const iso = isolated('dashboards', { TRANSACTIONS_PARTITIONS: '2' });
  const c = iso.config;
  let sink: SinkProcess | undefined;
  let metrics: MetricsServer | undefined;
  let db: Db | undefined;

  beforeAll(async () => {
    const kafka = createKafka('test-dashboards', c);
    await withAdmin(kafka, (admin) =>
      ensureTopics(admin, [
        { topic: c.topics.transactions, numPartitions: 2 },
        { topic: c.topics.dlq, numPartitions: 1 },
        { topic: c.topics.labels, numPartitions: 1 },
      ]),
    );
    await ensureDatabase(c.db.url);
    db = await openDb(c.db.url, 2);
    await migrate(db);
    await db.pool.query(verdictsDdl('transaction_verdicts'));
    // this process's producer counters, scraped as job `dashboards_test`
    metrics = await serveMetrics({ job: 'dashboards_test', instance: iso.prefix });
    sink = spawnSink({ id: 'dashboards', env: iso.env, batch: 100 });
    await sink.ready;
    const now = Date.now();
    const events = new TransactionGenerator({ ...c.generator, seed: 13 }).backfill(N, now - 3_600_000, now);
    const stats = new DeliveryStats();
    await withProducer(kafka, (producer) =>
      produceAll(producer, new PartitionCounts(kafka), c.topics, events, stats, { batchSize: 50 }),
    );
    const stored = await waitUntil(
      `${N} rows stored`,
      async () => {
        const [rows] = await db!.pool.query('SELECT COUNT(*) AS n FROM transactions');
        const n = Number((rows as { n: number }[])[0]?.n ?? 0);
        return n >= N ? n : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(stored).toBe(N);
    // rate() needs two samples of each counter after the load: wait for Prometheus to have scraped this
    // process and the sink twice since (its target discovery and scrapes run on their own 5 s clocks)
    const scrapedTwice = async (metric: string, job: string) => {
      const r = await query(`count_over_time(${metric}{job="${job}"}[1m])`);
      return (r.data?.result ?? []).some((x) => Number((x as { value?: [number, string] }).value?.[1]) >= 2);
    };
    await waitUntil(
      'Prometheus to scrape the producer and the sink twice after the load',
      async () =>
        (await scrapedTwice('txlab_producer_records_acked_total', 'dashboards_test')) &&
        (await scrapedTwice('txlab_sink_rows_stored_total', 'sink')),
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
  });

  afterAll(async () => {
    await sink?.stop();
    await metrics?.close();
    await db?.pool.end();
    await iso.cleanup();
  });

  test('every PromQL target succeeds on Prometheus', async () => {
    const failed: string[] = [];
    for (const d of all)
      for (const q of queriesOf(d).filter((q) => q.datasource === 'txlab-prometheus')) {
        const r = await query(expandPromql(q.text, variables(d)));
        if (r.status !== 'success') failed.push(`${q.dashboard} › ${q.panel} [${q.refId}]: ${r.error}`);
      }
    expect(failed).toEqual([]);
  });

  test("the pipeline's producer and sink panels show the load", async () => {
    const pipeline = all.find((d) => d.uid === 'txlab-pipeline')!;
    const wanted = queriesOf(pipeline).filter(
      (q) =>
        q.datasource === 'txlab-prometheus' &&
        /txlab_producer_records_acked_total|txlab_sink_rows_stored_total|txlab_sink_event_to_row_seconds|kafka_consumergroup_lag/.test(
          q.text,
        ),
    );
    const empty: string[] = [];
    for (const q of wanted) {
      const r = await query(expandPromql(q.text, variables(pipeline)));
      if (!r.data?.result.length) empty.push(`${q.panel} [${q.refId}]`);
    }
    expect(wanted.length).toBeGreaterThanOrEqual(7);
    expect(empty).toEqual([]);
  });

  test("every SQL target runs on the sink's database, the volume panels with rows", async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 24 * 3_600_000);
    const outcomes: { at: string; rows: number | string }[] = [];
    for (const d of all)
      for (const q of queriesOf(d).filter((q) => q.datasource === 'txlab-mysql')) {
        const at = `${q.dashboard} › ${q.panel} [${q.refId}]`;
        try {
          const [rows] = await db!.pool.query(expandSql(q.text, from, to));
          outcomes.push({ at, rows: (rows as unknown[]).length });
        } catch (e) {
          outcomes.push({ at, rows: `failed: ${(e as Error).message}` });
        }
      }
    expect(outcomes.filter((o) => typeof o.rows === 'string')).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(10);
    const volume = outcomes.filter((o) =>
      /Transactions per category|Top merchants|Approved amount per category/.test(o.at),
    );
    expect(volume.filter((o) => o.rows === 0)).toEqual([]);
  });
});
