import { afterAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drainTopic } from '../lib/drain.ts';
import { type FraudLabel, checkPatterns } from '../lib/generator/index.ts';
import { createKafka } from '../lib/kafka.ts';
import { Lab02Result } from '../lib/results/lab02.ts';
import { type Transaction, decodeTransaction } from '../lib/schema.ts';
import { expectNotebookRenders } from '../lib/testing/browser-check.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { checkRun, runLabProcess } from '../lib/testing/run-lab.ts';

useEngines('kafka');

describe('lab 02', () => {
  test.each(['kafkajs', 'librdkafka'])(
    'produces N events with %s, and a consumer reads back exactly N distinct, valid transaction ids',
    async (client) => {
      const { env, config: c, cleanup } = isolated('lab02', { FRAUD_RATE: '0.1' });
      afterAll(cleanup);
      const run = await runLabProcess(
        'labs/02-producer.ts',
        ['--backfill', '700', '--events', '300', '--rate', '300', '--duration', '60', '--client', client],
        env,
      );
      await checkRun(run, async () => {
        expect(run.code).toBe(0);

        const events = new Map<string, Transaction>();
        const invalid: string[] = [];
        await drainTopic(createKafka('test-lab02', c), c.topics.transactions, 1000, (m) => {
          const r = decodeTransaction(m.value);
          if (r.ok) events.set(r.value.transaction_id, r.value);
          else invalid.push(r.message);
        });
        expect(invalid).toEqual([]);
        expect(events.size).toBe(1000);

        const result = Lab02Result.parse(JSON.parse(readFileSync(join(run.dataDir, '02-producer.json'), 'utf8')));
        await expectNotebookRenders('02-producer', run.dataDir);
        expect(result.metrics.backfill).toMatchObject({ events: 700, acked: 700, failed: 0 });
        expect(result.metrics.live).toMatchObject({ events: 300, acked: 300, failed: 0 });
        expect(result.metrics.total_events).toBe(1000);
        expect(result.parameters.client).toBe(client);
        // the live arrivals, as scheduled and as the producer sent them: 300 events, 299 gaps each, the
        // requests that carried them (at least one), none sent before it was due
        expect(result.samples.scheduled_gap_s).toHaveLength(299);
        expect(result.samples.send_gap_s).toHaveLength(299);
        if (client === 'kafkajs') {
          expect(result.metrics.live.requests).toBeGreaterThan(0);
          expect(result.metrics.live.requests).toBeLessThanOrEqual(300);
        } else expect(result.metrics.live.requests).toBeNull(); // librdkafka forms its requests unseen
        expect(result.metrics.live.send_delay_ms.count).toBe(300);
        expect(result.metrics.live.send_delay_ms.min).toBeGreaterThanOrEqual(-1); // two clocks, within 1 ms
        expect(result.metrics.live.peak_share).toBeGreaterThanOrEqual(0);
        expect(run.stdout).toMatch(/live stream for 60 s: base 300\/s.* = effective target \d+(\.\d+)?\/s/);

        // the labels went to their own topic, one per labeled event, each naming a transaction that exists
        const labeled = Object.values(result.metrics.fraud_events).reduce((a, b) => a + b, 0);
        expect(labeled).toBeGreaterThan(0);
        const labels = new Map<string, FraudLabel>();
        await drainTopic(createKafka('test-lab02-labels', c), c.topics.labels, labeled, (m) => {
          const label: FraudLabel = JSON.parse(m.value!.toString());
          labels.set(label.transaction_id, label);
        });
        expect([...labels.keys()].every((id) => events.has(id))).toBe(true);

        // and each names a whole pattern: the live phase stopped at 300 events, and no pattern ran past it
        const stream = [...events.values()].map((event) => ({
          event,
          label: labels.get(event.transaction_id) ?? null,
        }));
        expect(checkPatterns(stream).broken).toEqual([]);
        expect(result.metrics.fraud_patterns.broken).toBe(0);
      });
    },
  );

  test('rejects a bad flag with a clear message and produces nothing', async () => {
    const run = await runLabProcess('labs/02-producer.ts', ['--rate', 'fast'], isolated('lab02_flags').env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--rate: expected a number (got "fast")');
  });

  test('rejects an unknown client, naming the ones there are', async () => {
    const run = await runLabProcess('labs/02-producer.ts', ['--client', 'franz'], isolated('lab02_flags').env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--client');
    expect(run.stderr).toContain('"librdkafka"');
  });
});
