// Integration: the embedded Prometheus evaluates txlab's alerting rules for real. A consumer group
// that reads the start of a topic while more keeps arriving falls behind; ConsumerLagGrowing goes
// pending, then firing, for that group alone; once the group consumes the rest and commits, it resolves.
import { afterAll, describe, expect, test } from 'bun:test';
import { createKafka, ensureTopics, withAdmin, withProducer } from '../kafka.ts';
import { MONITORING } from '../monitoring/ports.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { waitUntil } from '../wait.ts';

useEngines('kafka', 'prometheus', 'lag-exporter');

const PROMETHEUS = `http://${MONITORING.host}:${MONITORING.prometheusPort}`;
// lag > 100 and growing (deriv over 1m needs two lag-exporter polls, 5 s apart, each scraped) for 30 s
const FIRE_MS = 150_000;
const RESOLVE_MS = 60_000;
const BATCH = 50; // records per second while the group is behind: lag grows by 50/s

type Alert = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
};

/** The active (pending or firing) alerts named `alertname` for consumer group `group`. */
async function alertsFor(alertname: string, group: string): Promise<Alert[]> {
  const res = await fetch(`${PROMETHEUS}/api/v1/alerts`);
  const body = (await res.json()) as { data: { alerts: Alert[] } };
  return body.data.alerts.filter((a) => a.labels.alertname === alertname && a.labels.consumergroup === group);
}

describe('the ConsumerLagGrowing alert', () => {
  const iso = isolated('alertlag');
  const topic = `${iso.prefix}.lag`;
  const group = `${iso.prefix}.slow`;
  const kafka = createKafka('test-alert-lag', iso.config);
  afterAll(() => iso.cleanup());

  const produce = (n: number, from: number) =>
    withProducer(kafka, (producer) =>
      producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ value: `r-${from + i}` })) }),
    );

  /** Consumes from the group's committed offset up to `end` and commits there. */
  async function consumeUpTo(end: number) {
    const consumer = kafka.consumer({ groupId: group });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = Promise.withResolvers<void>();
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (Number(message.offset) === end - 1) {
            await consumer.commitOffsets([{ topic, partition, offset: String(end) }]);
            done.resolve();
          }
        },
      });
      await done.promise;
    } finally {
      await consumer.disconnect();
    }
  }

  test('fires for a group that keeps falling behind, and resolves once it catches up', async () => {
    // 1. a one-partition topic; the group reads the first 10 records and commits
    await withAdmin(kafka, (admin) => ensureTopics(admin, [{ topic, numPartitions: 1, replicationFactor: 1 }]));
    await produce(10, 0);
    await consumeUpTo(10);

    // 2. BATCH more records a second, never consumed, until Prometheus fires the alert for this group
    const t0 = performance.now();
    let produced = 10;
    let pendingAfterMs: number | undefined;
    const firing = await waitUntil(
      `ConsumerLagGrowing firing for ${group}`,
      async () => {
        await produce(BATCH, produced);
        produced += BATCH;
        const [alert] = await alertsFor('ConsumerLagGrowing', group);
        if (alert?.state === 'pending') pendingAfterMs ??= performance.now() - t0;
        return alert?.state === 'firing' && alert;
      },
      { timeoutMs: FIRE_MS, intervalMs: 1_000 },
    );
    const firingAfterMs = performance.now() - t0;
    console.log(
      `ConsumerLagGrowing: pending after ${((pendingAfterMs ?? Number.NaN) / 1000).toFixed(1)} s, firing after ${(firingAfterMs / 1000).toFixed(1)} s, lag ${firing.value}`,
    );
    expect({ labels: firing.labels, lag: Number(firing.value) }).toEqual({
      labels: {
        alertname: 'ConsumerLagGrowing',
        severity: 'warning',
        consumergroup: group,
        topic,
        job: 'kafka-lag',
        instance: `${MONITORING.host}:${MONITORING.lagExporterPort}`,
      },
      lag: expect.any(Number),
    });
    expect(pendingAfterMs).toBeLessThan(firingAfterMs);
    expect(Number(firing.value)).toBeGreaterThan(100);
    expect(Number(firing.value)).toBeLessThanOrEqual(produced - 10);
    expect(firing.annotations.description).toContain(`Group ${group} has ${Number(firing.value)} records of ${topic}`);

    // 3. the group consumes the rest and commits: no lag, the alert resolves
    await consumeUpTo(produced);
    const t1 = performance.now();
    await waitUntil(
      `ConsumerLagGrowing resolved for ${group}`,
      async () => (await alertsFor('ConsumerLagGrowing', group)).length === 0,
      { timeoutMs: RESOLVE_MS, intervalMs: 1_000 },
    );
    console.log(`ConsumerLagGrowing: resolved ${((performance.now() - t1) / 1000).toFixed(1)} s after the commit`);
  });
});
