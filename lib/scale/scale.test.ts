// Lab 09's sweeps and rebalances on a cluster of the test's own (3 brokers, RF 3, min.insync.replicas 2):
// a consumer process that joins a group reading a live stream takes over partitions within a bound and
// reads them; a sweep point with one member more than partitions leaves exactly that one idle and drains
// the whole backlog, with the CPU of every consumer and broker read; and the cluster stops leaving no
// broker process behind. Random topic and group names; every wait has a deadline.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { type Kafka, logLevel } from 'kafkajs';
import { config } from '../config.ts';
import { createKafka, createProducer } from '../kafka.ts';
import { DeliveryStats, produceLive } from '../produce.ts';
import { PartitionCounts } from '../send.ts';
import { type KafkaCluster, startCluster } from '../stack/cluster.ts';
import { isAlive } from '../stack/pids.ts';
import { randomName } from '../testing/engines.ts';
import { waitUntil } from '../wait.ts';
import { type ScaleConsumer, coversExactly, spawnScaleConsumer, waitForSettledGroup } from './consumer-process.ts';
import { liveStream } from './rebalance.ts';
import { backlog, fillTopic, runSweepPoint, sweepTarget } from './sweep.ts';

const JOIN_BOUND_MS = 15_000;

describe('consumer groups on a 3-broker cluster of their own', () => {
  let cluster: KafkaCluster | undefined;
  let kafka: Kafka;

  beforeAll(async () => {
    cluster = await startCluster(3, { note: (line) => console.log(line) });
    kafka = createKafka('test-scale', config(), { brokers: cluster.brokers(), logLevel: logLevel.NOTHING });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop({ graceMs: 0 });
  });

  test('a consumer joining a group on a live stream takes over partitions within 15 s and reads them', async () => {
    const c = cluster!;
    const topic = randomName('scale_join');
    const group = `${topic}.group`;
    await c.createTopics([{ topic, partitions: 4 }]);
    const producer = createProducer(kafka);
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    const stop = new AbortController();
    const live = produceLive(
      producer,
      new PartitionCounts(kafka),
      { transactions: topic, labels: `${topic}.labels` },
      liveStream(9, 300),
      new DeliveryStats(),
      { durationMs: 120_000, signal: stop.signal },
    );
    const members: ScaleConsumer[] = [];
    const spawn = (name: string) => {
      const m = spawnScaleConsumer({ name, topic, group, brokers: c.brokers() });
      members.push(m);
      return m;
    };
    try {
      const first = spawn('consumer-1');
      await first.ready;
      await waitForSettledGroup(admin, group, [first], 4, 30_000);

      const joiner = spawn('consumer-2');
      await joiner.ready;
      const joiningAt = await waitUntil('consumer-2 to start joining', () => joiner.joiningAt(), { timeoutMs: 10_000 });
      await waitForSettledGroup(admin, group, [first, joiner], 4, JOIN_BOUND_MS + 5_000);
      const taken = joiner.partitions();
      const read = await waitUntil(
        'consumer-2 to read a batch of its own partitions',
        () => joiner.batches().find((b) => taken.includes(b.partition)),
        { timeoutMs: 10_000 },
      );
      const assignedAt = joiner.assignments().find((a) => a.partitions.length > 0)?.at ?? Number.POSITIVE_INFINITY;
      console.log(
        `join: consumer-2 got partitions ${taken.join(',')} ${assignedAt - joiningAt} ms after it began joining; ` +
          `its first batch ${read.at - joiningAt} ms after`,
      );
      expect({
        takesSome: taken.length > 0,
        oneHolderEach: coversExactly([first.partitions(), taken], 4),
        withinBound: assignedAt - joiningAt < JOIN_BOUND_MS,
        bad: { first: first.bad(), joiner: joiner.bad() },
      }).toEqual({ takesSome: true, oneHolderEach: true, withinBound: true, bad: { first: {}, joiner: {} } });
    } finally {
      stop.abort();
      await live.catch(() => {});
      await Promise.all(members.map((m) => m.stop(10_000)));
      await Promise.all([producer.disconnect(), admin.disconnect()]).catch(() => {});
    }
  }, 90_000);

  test('a sweep point with a consumer more than partitions leaves one idle and drains the backlog', async () => {
    const c = cluster!;
    const on = sweepTarget(c, (line) => console.log(line));
    const topic = randomName('scale_sweep');
    const fill = await fillTopic(on, topic, 2, backlog(3_000, 7));
    const point = await runSweepPoint(on, { topic, partitions: 2, events: fill.acked, consumers: 3, batch: 200 });
    const processes = point.cpu.map((u) => `${u.kind}:${u.process}`).sort();
    expect({
      filled: { acked: fill.acked, failed: fill.failed },
      idle: point.idle_members,
      holders: point.members.map((m) => m.partitions.length).sort(),
      handled: point.records,
      bad: point.bad,
      lagAtEnd: point.lag.at(-1)?.lag,
      processes,
      everyBrokerBusy: point.cpu.filter((u) => u.kind === 'broker').every((u) => u.cpu_s > 0),
    }).toEqual({
      filled: { acked: 3_000, failed: 0 },
      idle: 1,
      holders: [0, 1, 1],
      handled: 3_000,
      bad: 0,
      lagAtEnd: 0,
      processes: [
        'broker:broker-1',
        'broker:broker-2',
        'broker:broker-3',
        'consumer:consumer-1',
        'consumer:consumer-2',
        'consumer:consumer-3',
        'lab:lab',
      ],
      everyBrokerBusy: true,
    });
  }, 90_000);

  test('stopping the cluster leaves no broker process and no data behind', async () => {
    const c = cluster!;
    const pids = c.nodes.map((x) => x.pid).filter((pid) => pid !== undefined);
    await c.stop();
    expect({ brokers: pids.length, running: pids.filter(isAlive), dirLeft: existsSync(c.dir) }).toEqual({
      brokers: 3,
      running: [],
      dirLeft: false,
    });
  }, 30_000);
});
