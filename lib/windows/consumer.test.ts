// Bad input cannot stall the windows process: malformed JSON, schema violations, oversized messages,
// an event dated an hour after its record and one whose amount would take a window's sum past 2^53
// arrive between good events on both partitions; the process skips each with a reason (counted), and
// every window of the good events is stored exactly as the ground truth computes it.
import { afterAll, describe, expect, test } from 'bun:test';
import { openDb } from '../db/connect.ts';
import { badMessages, good, interleave } from '../fixtures/messages.ts';
import { TransactionGenerator } from '../generator/index.ts';
import { createKafka, ensureTopics, withAdmin, withProducer } from '../kafka.ts';
import { partitionFor } from '../partitioner.ts';
import { seededRng } from '../random.ts';
import type { Transaction } from '../schema.ts';
import { PartitionCounts, sendPerPartition } from '../send.ts';
import { useEngines } from '../testing/engines.ts';
import { isolated } from '../testing/isolation.ts';
import { topicSpecs } from '../topics.ts';
import { waitUntil } from '../wait.ts';
import { expectedWindows } from './expected.ts';
import { type WindowsProcess, spawnWindows } from './process.ts';
import { readResults } from './store.ts';

useEngines('kafka', 'db');

const T0 = Date.parse('2026-01-15T10:00:00.000Z');
const PARTITIONS = 2;

describe('the windows process, given bad input between good events', () => {
  const iso = isolated('windows_bad', { TRANSACTIONS_PARTITIONS: String(PARTITIONS) });
  let windows: WindowsProcess | undefined;
  afterAll(async () => {
    await windows?.kill();
    await iso.cleanup();
  });

  test('skips each bad message with a reason, never stalls, and stores every window of the good ones exactly', async () => {
    const c = iso.config;
    const kafka = createKafka('test-windows-bad', c);
    await withAdmin(kafka, (admin) => ensureTopics(admin, topicSpecs(c)));
    windows = spawnWindows({ env: iso.env, window: 1, bound: 0.5, lateness: 0, idle: 0 });
    await windows.ready;
    await waitUntil('the windows process to hold both partitions', () => windows!.partitions().length === PARTITIONS, {
      timeoutMs: 30_000,
    });

    // 600 good events over 60 s of event time; then, per partition, one far ahead that closes every window
    const gen = new TransactionGenerator({ ...c.generator, seed: 66, fraudRate: 0, peakFactor: 1 });
    const events = [...gen.stream(T0, 10, { maxEvents: 600 })].map((s) => s.event);
    const closer = (p: number): Transaction => {
      let i = 0;
      while (partitionFor(`cust_${990_000 + i}`, PARTITIONS) !== p) i++;
      return {
        ...events[p]!,
        transaction_id: `00000000-0000-4000-8000-00000000000${p}`,
        customer_id: `cust_${990_000 + i}`,
        timestamp: new Date(T0 + 120_000).toISOString(),
      };
    };
    const goodOnes = [...events, closer(0), closer(1)];
    const future = {
      ...events[0]!,
      transaction_id: '00000000-0000-4000-8000-0000000000f0',
      timestamp: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const huge = {
      ...events[1]!,
      transaction_id: '00000000-0000-4000-8000-0000000000f1',
      amount: Number.MAX_SAFE_INTEGER - 5,
      commission_amount: 0,
      vat_amount: 0,
      total_amount: Number.MAX_SAFE_INTEGER - 5,
    };
    const bad = [...badMessages(events[2]!, 2), good(future), good(huge)];
    // the huge one lands in a window with other events of its category: refused, or a sum would overflow
    const input = interleave(
      events.map(good),
      bad.map((b) => ({ key: b.key, value: b.value })),
      seededRng(66),
    );
    await withProducer(kafka, async (producer) => {
      const counts = new PartitionCounts(kafka);
      for (let i = 0; i < input.length; i += 100)
        await sendPerPartition(producer, counts, { topic: c.topics.transactions, messages: input.slice(i, i + 100) });
      await sendPerPartition(producer, counts, {
        topic: c.topics.transactions,
        messages: [closer(0), closer(1)].map(good),
      });
    });

    // every window of the good events closes: nothing stalled the partitions
    await waitUntil(
      'the windows of the good events to be emitted',
      () => (windows!.progress()?.frontierMs ?? 0) >= T0 + 119_000,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const p = windows.progress()!;
    const skipped = windows.lines().filter((l) => l.includes(': skipped'));

    const perPartition = new Map<number, Transaction[]>(Array.from({ length: PARTITIONS }, (_, i) => [i, []]));
    for (const e of goodOnes) perPartition.get(partitionFor(e.customer_id, PARTITIONS))!.push(e);
    const truth = expectedWindows(perPartition, {
      spec: { kind: 'tumbling', sizeMs: 1_000 },
      key: (e) => e.merchant_category,
      boundMs: 500,
      latenessMs: 0,
    });
    const db = await openDb(c.db.url, 1);
    const stored = await readResults(db.pool, T0, T0 + 60_000, 'category_tumbling').finally(() => db.pool.end());
    const expected = [...truth.windows.values()]
      .filter((w) => w.window.end <= T0 + 60_000)
      .map((w) => ({ start: w.window.start, key: w.key, count: w.aggregate.count, sum: w.aggregate.sum }))
      .sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
    const got = stored
      .map((r) => ({ start: r.start, key: r.key, count: r.count, sum: r.sum }))
      .sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));

    expect(got).toEqual(expected);
    expect(expected.length).toBeGreaterThan(50);
    expect({ rejected: p.rejected, events: p.events, late: truth.late.length }).toEqual({
      rejected: bad.length,
      events: goodOnes.length,
      late: 0,
    });
    // each says why, with where it was
    expect(skipped).toHaveLength(bad.length);
    expect(skipped.some((l) => l.includes('after its record'))).toBe(true);
    expect(skipped.some((l) => l.includes('past 2^53'))).toBe(true);
    expect(skipped.some((l) => l.includes('not a transaction'))).toBe(true);
  }, 120_000);
});
