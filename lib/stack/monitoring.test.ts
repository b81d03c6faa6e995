// Integration: the embedded Prometheus scrapes every exporter the stack runs (Temporal's metrics port,
// mysqld-exporter, the broker's JMX agent, txlab's lag exporter) and every process that announces
// itself in the targets folder, and the lag exporter reports a group's lag exactly.
import { afterAll, describe, expect, test } from 'bun:test';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../config.ts';
import { groupLag, totalLag } from '../lag.ts';
import { createKafka, ensureTopics, withAdmin, withProducer } from '../kafka.ts';
import { targetsDir } from '../metrics.ts';
import { MONITORING } from '../monitoring/ports.ts';
import { READING_STARTED } from '../monitoring/lag-exporter.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { waitUntil } from '../wait.ts';

useEngines('kafka', 'db', 'temporal', 'prometheus', 'mysqld-exporter', 'lag-exporter');

const PROMETHEUS = `http://${MONITORING.host}:${MONITORING.prometheusPort}`;
const SCRAPES_MS = 60_000; // a few 5 s scrapes, and the lag exporter's 5 s polls, with room to spare

type Target = { labels: { job: string; instance: string }; health: string; lastError: string };
type Sample = { metric: Record<string, string>; value: [number, string] };

async function targets(): Promise<Target[]> {
  const res = await fetch(`${PROMETHEUS}/api/v1/targets?state=active`);
  return ((await res.json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
}

async function query(promql: string): Promise<Sample[]> {
  const res = await fetch(`${PROMETHEUS}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: Sample[] } };
  if (body.status !== 'success') throw new Error(`prometheus: ${promql}: ${body.error}`);
  return body.data.result;
}

/** The job's targets once all of them are up (a target that stays down fails the wait with its error). */
function upTargets(job: string) {
  return waitUntil(
    `Prometheus target ${job} up`,
    async () => {
      const mine = (await targets()).filter((t) => t.labels.job === job);
      const down = mine.filter((t) => t.health !== 'up');
      if (down.length > 0) throw new Error(`${job}: ${down.map((t) => `${t.health} ${t.lastError}`).join('; ')}`);
      return mine.length > 0 && mine.map((t) => t.health);
    },
    { timeoutMs: SCRAPES_MS, intervalMs: 500 },
  );
}

describe('the embedded Prometheus', () => {
  const cfg = config();
  const exporters = [
    'prometheus',
    'kafka-lag',
    ...(cfg.kafka.managed ? ['kafka'] : []),
    ...(cfg.db.managed ? ['mysqld'] : []),
    ...(cfg.temporal.managed ? ['temporal'] : []),
  ];

  test.each(exporters)('scrapes the %s exporter', async (job) => {
    expect(await upTargets(job)).toEqual(['up']);
  });

  test.skipIf(!cfg.db.managed)('sees MariaDB through the exporter’s own login', async () => {
    const up = await waitUntil('mysql_up', async () => (await query('mysql_up'))[0], { timeoutMs: SCRAPES_MS });
    expect(up.value[1]).toBe('1');
  });

  describe('when a process announces itself in the targets folder', () => {
    const iso = isolated('filesd');
    const server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: () => new Response('txlab_test_up 1\n', { headers: { 'content-type': 'text/plain; version=0.0.4' } }),
    });
    const file = join(targetsDir(cfg.stackDir), `${iso.prefix}-${process.pid}.json`);
    afterAll(async () => {
      rmSync(file, { force: true });
      await server.stop(true);
    });

    test('scrapes it under the job it names', async () => {
      writeFileSync(
        file,
        JSON.stringify([{ targets: [`127.0.0.1:${server.port}`], labels: { job: iso.prefix, instance: 'test' } }]),
      );
      expect(await upTargets(iso.prefix)).toEqual(['up']);
    });
  });

  describe('when a group has consumed part of a topic', () => {
    const N = 20;
    const CONSUMED = 7;
    const iso = isolated('lagexp');
    const topic = `${iso.prefix}.lag`;
    const group = `${iso.prefix}.lag-group`;
    const kafka = createKafka('test-lag-exporter', iso.config);
    afterAll(() => iso.cleanup());

    test('reports the rest as its lag, as kafka_exporter names it', async () => {
      // 1. N records on a 2-partition topic
      await withAdmin(kafka, (admin) => ensureTopics(admin, [{ topic, numPartitions: 2, replicationFactor: 1 }]));
      await withProducer(kafka, async (producer) => {
        for (const partition of [0, 1])
          await producer.send({
            topic,
            messages: Array.from({ length: N / 2 }, (_, i) => ({ partition, value: `${partition}-${i}` })),
          });
      });
      // 2. the group consumes partition 0 up to offset CONSUMED and commits there; partition 1 not at all
      const consumer = kafka.consumer({ groupId: group });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const committed = Promise.withResolvers<void>();
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (partition === 0 && Number(message.offset) === CONSUMED - 1) {
            await consumer.commitOffsets([{ topic, partition, offset: String(CONSUMED) }]);
            committed.resolve();
          }
        },
      });
      await committed.promise;
      const committedAt = Date.now();
      await consumer.disconnect();
      const truth = await withAdmin(kafka, (admin) => groupLag(admin, group, topic));
      expect(totalLag(truth)).toBe(N - CONSUMED);

      // 3. Prometheus has it from the lag exporter, on a reading begun after the commit
      const lag = await waitUntil(
        `kafka_consumergroup_lag for ${group}, read after its commit`,
        async () => {
          const r = await query(
            `kafka_consumergroup_lag{consumergroup="${group}"} and on() (${READING_STARTED} >= ${committedAt / 1000})`,
          );
          return r.length === 2 && r;
        },
        { timeoutMs: SCRAPES_MS, intervalMs: 500 },
      );
      const byPartition = (r: Sample[]) =>
        r
          .map((s) => ({
            job: s.metric.job,
            topic: s.metric.topic,
            partition: s.metric.partition,
            lag: Number(s.value[1]),
          }))
          .sort((a, b) => Number(a.partition) - Number(b.partition));
      expect(byPartition(lag)).toEqual([
        { job: 'kafka-lag', topic, partition: '0', lag: N / 2 - CONSUMED },
        { job: 'kafka-lag', topic, partition: '1', lag: N / 2 },
      ]);
      const [sum] = await query(`kafka_consumergroup_lag_sum{consumergroup="${group}"}`);
      const ends = await query(`kafka_topic_partition_current_offset{topic="${topic}"}`);
      expect({ sum: Number(sum?.value[1]), ends: ends.map((s) => Number(s.value[1])) }).toEqual({
        sum: N - CONSUMED,
        ends: [N / 2, N / 2],
      });
    });
  });
});
