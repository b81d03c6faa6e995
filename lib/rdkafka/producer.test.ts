// The librdkafka producer on the real broker: every generated event read back exactly once, on the
// partition Kafka's partitioner gives its key, with its key and event time; a record librdkafka cannot
// place, or cannot deliver before its timeout, reported failed with the reason (never dropped); and a
// machine without the library gets an error that says how to install it.
import { afterAll, describe, expect, test } from 'bun:test';
import { drainTopic } from '../drain.ts';
import { TransactionGenerator } from '../generator/index.ts';
import { createKafka, ensureTopics, withAdmin } from '../kafka.ts';
import { partitionFor } from '../partitioner.ts';
import { DeliveryStats } from '../produce.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { RdkafkaDelivery, produceAllRdkafka } from './produce-all.ts';
import { type Report, RdkafkaProducer } from './producer.ts';

useEngines('kafka');

const iso = isolated('rdkafka');
const kafka = createKafka('test-rdkafka', iso.config);
const topics = { transactions: `${iso.prefix}.tx`, labels: `${iso.prefix}.labels` };
const PARTITIONS = 4;

afterAll(() => iso.cleanup());

describe('the librdkafka producer (bun:ffi) on the real broker', () => {
  test('every event is stored once, on its key’s partition, with its key and event time; labels beside them', async () => {
    await withAdmin(kafka, (admin) =>
      ensureTopics(
        admin,
        Object.values(topics).map((topic) => ({ topic, numPartitions: PARTITIONS })),
      ),
    );
    const events = new TransactionGenerator({ ...iso.config.generator, seed: 11 }).backfill(
      3_000,
      Date.now() - 3_600_000,
      Date.now(),
    );
    const stats = new DeliveryStats();
    const delivery = new RdkafkaDelivery(topics, { transactions: PARTITIONS, labels: PARTITIONS }, stats, {
      brokers: iso.config.kafka.brokers,
      clientId: 'test-rdkafka',
    });
    // a small cap, so the producer waits for reports many times on the way
    const acked = await produceAllRdkafka(delivery, events, { maxOutstanding: 500 });
    await delivery.producer.close();

    const read = new Map<string, { partition: number; key: string; timestamp: number; count: number }>();
    await drainTopic(kafka, topics.transactions, events.length, (m, partition) => {
      const id = JSON.parse(m.value!.toString()).transaction_id as string;
      const seen = read.get(id);
      if (seen) seen.count++;
      else read.set(id, { partition, key: m.key!.toString(), timestamp: Number(m.timestamp), count: 1 });
    });
    const labeled = events.filter((s) => s.label);
    const labels: string[] = [];
    await drainTopic(kafka, topics.labels, labeled.length, (m) =>
      labels.push(JSON.parse(m.value!.toString()).transaction_id),
    );

    const wrong = events.filter((s) => {
      const r = read.get(s.event.transaction_id);
      return (
        !r ||
        r.count !== 1 ||
        r.partition !== partitionFor(s.event.customer_id, PARTITIONS) ||
        r.key !== s.event.customer_id ||
        r.timestamp !== Math.floor(s.timeMs)
      );
    });
    expect({
      acked: stats.acked,
      failed: stats.failed,
      returned: acked.length,
      labelsAcked: stats.labels.acked,
      wrong: wrong.map((s) => s.event.transaction_id),
      stored: read.size,
      labels: [...labels].sort(),
    }).toEqual({
      acked: events.length,
      failed: 0,
      returned: events.length,
      labelsAcked: labeled.length,
      wrong: [],
      stored: events.length,
      labels: labeled.map((s) => s.event.transaction_id).sort(),
    });
    expect(labeled.length).toBeGreaterThan(0);
  }, 60_000);

  test('a record for a partition the topic does not have is reported failed, with the reason', async () => {
    const stats = new DeliveryStats();
    const [event] = new TransactionGenerator({ ...iso.config.generator, seed: 12 }).backfill(1, 0, 1);
    // the transactions topic has PARTITIONS partitions; claim 64, and pick a customer the partitioner puts past the end
    const delivery = new RdkafkaDelivery(topics, { transactions: 64, labels: 64 }, stats, {
      brokers: iso.config.kafka.brokers,
      clientId: 'test-rdkafka-bad-partition',
      settings: { 'message.timeout.ms': '5000' },
    });
    const customer = Array.from({ length: 200 }, (_, i) => `cust_${i}`).find((c) => partitionFor(c, 64) >= PARTITIONS)!;
    await produceAllRdkafka(delivery, [{ ...event!, label: null, event: { ...event!.event, customer_id: customer } }]);
    await delivery.producer.close();
    expect({ sent: stats.sent, acked: stats.acked, failed: stats.failed }).toEqual({ sent: 1, acked: 0, failed: 1 });
    expect([...stats.errors.keys()].join()).toContain('UNKNOWN_PARTITION');
  }, 30_000);

  test('with no broker to take them, records are reported failed at their timeout, and none stays outstanding', async () => {
    const reports: Report[] = [];
    const producer = new RdkafkaProducer({
      brokers: ['127.0.0.1:1'],
      clientId: 'test-rdkafka-no-broker',
      onReport: (r) => reports.push(r),
      settings: { 'message.timeout.ms': '1500' },
    });
    const ids = [1, 2, 3].map((i) => producer.produce(topics.transactions, 0, `k${i}`, `{"n":${i}}`, Date.now()));
    const t0 = performance.now();
    // two closes at once: one drain, the handle freed once
    await Promise.all([producer.close(), producer.close()]);
    expect(() => producer.produce(topics.transactions, 0, 'k', '{}', Date.now())).toThrow('produce() after close()');
    expect({
      queued: ids.every((id) => typeof id === 'number'),
      reported: reports.map((r) => r.id).sort(),
      errors: [...new Set(reports.map((r) => r.error?.name))],
      outstanding: producer.outstanding,
    }).toEqual({ queued: true, reported: ids as number[], errors: ['_MSG_TIMED_OUT'], outstanding: 0 });
    expect(performance.now() - t0).toBeLessThan(10_000);
  }, 30_000);

  test('a report handler that throws: poll() throws it once the event is freed, and no report is lost', async () => {
    const ids: number[] = [];
    const producer = new RdkafkaProducer({
      brokers: iso.config.kafka.brokers,
      clientId: 'test-rdkafka-throwing-handler',
      // no timer: this test polls itself, so the error surfaces here and not in a timer callback
      pollEveryMs: 60_000,
      onReport: (r) => {
        ids.push(r.id);
        if (ids.length === 1) throw new Error('handler bug');
      },
    });
    const sent = [1, 2, 3].map((i) => producer.produce(topics.transactions, 0, `k${i}`, `{"n":${i}}`, Date.now()));
    let error: unknown;
    while (producer.outstanding > 0) {
      try {
        if (producer.poll() === 0) await Bun.sleep(5);
      } catch (e) {
        error = e;
      }
    }
    await producer.close();
    expect({ error: (error as Error | undefined)?.message, reported: ids.sort() }).toEqual({
      error: 'handler bug',
      reported: sent as number[],
    });
  }, 30_000);

  test('without the library, the error says how to install it', async () => {
    const child = Bun.spawn(['bun', '-e', "import { librdkafka } from './lib/rdkafka/ffi.ts'; librdkafka();"], {
      env: { ...process.env, TXLAB_LIBRDKAFKA: '/nonexistent/librdkafka.so.1' },
      stderr: 'pipe',
      stdout: 'pipe',
    });
    const [err, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    expect(code).not.toBe(0);
    expect(err).toContain('librdkafka is not installed');
    expect(err).toContain('scripts/setup.sh');
  });
});
