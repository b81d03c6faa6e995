import { afterAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKafka, withAdmin } from '../lib/kafka.ts';
import { Lab01Result } from '../lib/results/lab01.ts';
import { expectNotebookRenders } from '../lib/testing/browser-check.ts';
import { useEngines } from '../lib/testing/engines.ts';
import { topicSpecs } from '../lib/topics.ts';
import { isolated } from '../lib/testing/isolation.ts';
import { runLabProcess } from '../lib/testing/run-lab.ts';

useEngines('kafka');

describe('lab 01', () => {
  const { env, config: c, cleanup } = isolated('lab01', { TRANSACTIONS_PARTITIONS: '4' });
  afterAll(cleanup);

  test('creates the topics with the asked partitions, and every key lands on one partition', async () => {
    const run = await runLabProcess('labs/01-topics.ts', ['--keys', '60', '--messages-per-key', '4'], env);
    expect(run.stderr).not.toContain('failed');
    expect(run.code).toBe(0);

    const topics = await withAdmin(createKafka('test-lab01', c), (admin) =>
      admin.fetchTopicMetadata({ topics: [c.topics.transactions, c.topics.dlq, c.topics.verdicts] }),
    );
    expect(topics.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual(
      [
        [c.topics.dlq, 1],
        [c.topics.transactions, 4],
        [c.topics.verdicts, 4],
      ].sort(),
    );

    const result = Lab01Result.parse(JSON.parse(readFileSync(join(run.dataDir, '01-topics.json'), 'utf8')));
    await expectNotebookRenders('01-topics', run.dataDir);
    expect(result.metrics.keys_total).toBe(60);
    expect(result.metrics.keys_on_one_partition).toBe(60);
    expect(result.metrics.keys_matching_murmur2).toBe(60);
    expect(result.samples.partition_counts.reduce((s, p) => s + p.messages, 0)).toBe(240);
  });

  test('is harmless to re-run: existing topics are kept', async () => {
    const run = await runLabProcess('labs/01-topics.ts', ['--keys', '10', '--messages-per-key', '1'], env);
    expect(run.code).toBe(0);
    const result = Lab01Result.parse(JSON.parse(readFileSync(join(run.dataDir, '01-topics.json'), 'utf8')));
    expect(result.metrics.topics_created).toEqual([]);
    expect(result.metrics.topics_existing.sort()).toEqual(
      topicSpecs(c)
        .map((t) => t.topic)
        .sort(),
    );
  });
});
