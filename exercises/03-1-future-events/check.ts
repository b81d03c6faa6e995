// Check of exercise 03-1: 280 seeded transactions, most sent within 2 s of happening, some uploaded hours
// late, some stamped ahead of their record by 30 s to 3 days, plus a malformed, an oversized and an
// invalid message (that one also ahead), sent with those record timestamps through a Kafka topic of the
// check's own. Your classifier sorts what it reads back; the rows go through the sink's writer into a
// MariaDB database of the check's own, the rejects to a dead-letter topic of its own. Exactly the
// expected ids must be stored, and every other message must be in the DLQ under the expected reason.
import { createHash } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { config } from '../../lib/config.ts';
import { dropDatabase, ensureDatabase, openDb, withDatabase } from '../../lib/db/connect.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { drainTopic } from '../../lib/drain.ts';
import { type CheckResult, compareKeyed, defineExercise } from '../../lib/exercises/define.ts';
import { badMessages } from '../../lib/fixtures/messages.ts';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import { createKafka, createProducer, ensureTopics, waitForTopic, withAdmin } from '../../lib/kafka.ts';
import { intBetween, seededRng } from '../../lib/random.ts';
import { PartitionCounts, sendPerPartition } from '../../lib/send.ts';
import type { InMessage, Reject } from '../../lib/sink/decode.ts';
import { dlqRequests, readDlqHeaders, sendDlqRequest } from '../../lib/sink/dlq.ts';
import { writeRows } from '../../lib/sink/writer.ts';

type Impl = typeof import('./solution.ts');

const T0 = Date.parse('2026-01-15T10:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

/** How each kind of event's record timestamp is set from its event time, and what must become of it. */
const AHEAD: { kind: string; recordMinusEventMs: number; outcome: string }[] = [
  { kind: 'ahead 30 s', recordMinusEventMs: -30_000, outcome: 'stored' },
  { kind: 'ahead exactly 5 min', recordMinusEventMs: -5 * MIN, outcome: 'stored' },
  { kind: 'ahead 5 min + 1 ms', recordMinusEventMs: -5 * MIN - 1, outcome: 'DLQ future_event' },
  { kind: 'ahead 1 h', recordMinusEventMs: -HOUR, outcome: 'DLQ future_event' },
  { kind: 'ahead 3 days', recordMinusEventMs: -72 * HOUR, outcome: 'DLQ future_event' },
];

type Sent = { label: string; key: string; value: string; timestampMs: number; outcome: string };

export default defineExercise<Impl>({
  id: '03-1-future-events',
  title: 'Future events: a rule the schema cannot see, to the DLQ with its reason',
  teaches:
    'that some bad input is only visible with the Kafka record around the event, which clock to trust, and that a rule rejects to the DLQ with its reason instead of dropping or stalling',
  minutes: 20,
  engines: ['kafka', 'db'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ classifyWithRules }): Promise<CheckResult> {
    // 1. the input, with the record timestamps the producer stamps
    const gen = new TransactionGenerator({
      seed: 31,
      customerCount: 200,
      merchantCount: 20,
      fraudRate: 0,
      declinedRate: 0.05,
      peakFactor: 1,
    });
    const rng = seededRng(31);
    const events = [...gen.stream(T0, 20, { maxEvents: 280 })].map((s) => s.event);
    const sent: Sent[] = events.map((tx, i) => {
      const t = Date.parse(tx.timestamp);
      const base = { key: tx.customer_id, value: JSON.stringify(tx) };
      const id = tx.transaction_id.slice(0, 8);
      if (i % 14 === 3) {
        const lateMs = intBetween(rng, 2 * HOUR, 6 * HOUR);
        return {
          ...base,
          label: `${id} (uploaded ${(lateMs / HOUR).toFixed(1)} h late)`,
          timestampMs: t + lateMs,
          outcome: 'stored',
        };
      }
      if (i % 14 === 7) {
        const a = AHEAD[Math.floor(i / 14) % AHEAD.length]!;
        return { ...base, label: `${id} (${a.kind})`, timestampMs: t + a.recordMinusEventMs, outcome: a.outcome };
      }
      return { ...base, label: `${id} (live)`, timestampMs: t + intBetween(rng, 0, 2_000), outcome: 'stored' };
    });
    // one of each bad class the sink knew already; the invalid one is also ahead: the schema decides first
    const [malformed, invalid, oversized] = badMessages(events[0]!, 1);
    const t0 = Date.parse(events[0]!.timestamp);
    sent.push(
      { ...malformed!, label: 'malformed JSON', timestampMs: t0, outcome: 'DLQ malformed_json' },
      { ...invalid!, label: 'negative amount, ahead 1 h', timestampMs: t0 - HOUR, outcome: 'DLQ schema_violation' },
      { ...oversized!, label: 'oversized', timestampMs: t0, outcome: 'DLQ oversized' },
    );
    const labelOf = new Map(sent.map((s) => [sha256(s.value), s.label]));
    const labelOfId = new Map(events.map((tx, i) => [tx.transaction_id, sent[i]!.label]));

    const suffix = crypto.randomUUID().replaceAll('-', '').slice(0, 8);
    const [topic, dlqTopic] = [`exercise.03-1.${suffix}`, `exercise.03-1.${suffix}.dlq`];
    const url = withDatabase(config().db.url, `txlab_ex031_${suffix}`);
    const kafka = createKafka('exercise-03-1');
    await withAdmin(kafka, async (admin) => {
      // old record timestamps: retention must not delete them while the check reads
      const keep = [{ name: 'retention.ms', value: '-1' }];
      await ensureTopics(admin, [
        { topic, numPartitions: 3, replicationFactor: 1, configEntries: keep },
        { topic: dlqTopic, numPartitions: 1, replicationFactor: 1, configEntries: keep },
      ]);
      await waitForTopic(admin, topic);
      await waitForTopic(admin, dlqTopic);
    });
    const producer = createProducer(kafka);
    await producer.connect();
    await ensureDatabase(url);
    const db = await openDb(url, 2);
    try {
      await migrate(db);
      const counts = new PartitionCounts(kafka);
      await sendPerPartition(producer, counts, {
        topic,
        messages: sent.map((s) => ({ key: s.key, value: s.value, timestamp: String(s.timestampMs) })),
      });

      // 2. a sink's pass over each partition: your classifier, the sink's writer, the sink's DLQ records
      const perPartition = new Map<number, InMessage[]>();
      await drainTopic(kafka, topic, sent.length, (m, p) => {
        const list = perPartition.get(p) ?? [];
        list.push(m as InMessage);
        perPartition.set(p, list);
      });
      let dead = 0;
      const errors = new Map<string, string>();
      for (const [partition, messages] of perPartition) {
        messages.sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
        const { rows, rejects } = classifyWithRules(messages, partition);
        if (rows.length > 0) await writeRows(db.pool, rows);
        // the new reason is a string the DLQ headers carry like any other
        const source = { topic, partition, group: 'exercise-03-1' };
        for (const request of dlqRequests(rejects as Reject[], source, Date.now()))
          await sendDlqRequest({ producer, partitions: counts, topic: dlqTopic }, request);
        dead += rejects.length;
        for (const r of rejects)
          if (r.reason === 'future_event' && errors.size < 2)
            errors.set(labelOf.get(sha256(r.message.value?.toString() ?? '')) ?? '?', r.error);
      }

      // 3. what was stored, and what the DLQ holds
      const got = new Map<string, string>();
      const [stored] = await db.pool.query<RowDataPacket[]>('SELECT transaction_id FROM transactions');
      for (const r of stored)
        got.set(labelOfId.get(String(r.transaction_id)) ?? `${r.transaction_id} (not sent)`, 'stored');
      await drainTopic(kafka, dlqTopic, dead, (m) => {
        const h = readDlqHeaders(m.headers);
        const label = labelOf.get(h.sha256) ?? `unknown record sha256 ${h.sha256.slice(0, 8)}`;
        const was = got.get(label);
        got.set(label, `${was ? `${was} and ` : ''}DLQ ${h.reason}${h.error ? '' : ' (no error text)'}`);
      });

      const expected = new Map(sent.map((s) => [s.label, s.outcome]));
      const r = compareKeyed(expected, got, (x) => x);
      const want = (o: string) => sent.filter((s) => s.outcome === o).length;
      return {
        ok: r.ok,
        lines: [
          `${sent.length} messages: expected ${want('stored')} stored, ${want('DLQ future_event')} future_event, ` +
            `1 each malformed_json / schema_violation / oversized; came ${stored.length} stored, ${dead} to the DLQ`,
          ...r.lines,
          ...[...errors].map(([label, e]) => `  the error sent with ${label}: ${e}`),
        ],
      };
    } finally {
      await producer.disconnect().catch(() => {});
      await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [topic, dlqTopic] })).catch(() => {});
      await db.pool.end().catch(() => {});
      await dropDatabase(url).catch(() => {});
    }
  },
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
