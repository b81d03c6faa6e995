// Check of exercise 02-2: 3,000 seeded transactions sent with your deliver() in 10 calls of 300 to a
// 6-partition topic of the check's own whose max.message.bytes is 256 KiB; 12 of the events carry a
// 300 KB memo, too large for the broker, so their partition's send in that call fails. Your reports must
// say exactly what the topic holds (read back with offsets): every event Kafka stored reported acked at
// the partition and offset it is at, every other one reported failed with a reason, and the stored
// ones exactly those whose partition's send had no oversized event; no duplicates, each customer in order.
import { logLevel } from 'kafkajs';
import { config } from '../../lib/config.ts';
import { drainTopic } from '../../lib/drain.ts';
import { type CheckResult, defineExercise } from '../../lib/exercises/define.ts';
import { isMissingSolution } from '../../lib/exercises/missing.ts';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import { createKafka, createProducer, ensureTopics, waitForTopic, withAdmin } from '../../lib/kafka.ts';
import { partitionFor } from '../../lib/partitioner.ts';
import type { Transaction } from '../../lib/schema.ts';

type Impl = typeof import('./solution.ts');
type Report = Awaited<ReturnType<Impl['deliver']>>[number];

const T0 = Date.parse('2026-01-15T10:00:00.000Z');
const PARTITIONS = 6;
const CALL = 300;
const MAX_MESSAGE_BYTES = 262_144;
const oversized = (i: number) => i % 250 === 137;

export default defineExercise<Impl>({
  id: '02-2-delivery-reports',
  title: 'Delivery reports: what Kafka really stored, one send per partition',
  teaches:
    "why a producer sends one partition per request and reports each record from its own partition's outcome: a send that spans partitions fails as a whole while some of it is stored, and retrying it duplicates",
  minutes: 20,
  engines: ['kafka'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ deliver }): Promise<CheckResult> {
    const gen = new TransactionGenerator({
      seed: 22,
      customerCount: 500,
      merchantCount: 20,
      fraudRate: 0,
      declinedRate: 0.05,
      peakFactor: 1,
    });
    const events: Transaction[] = [...gen.stream(T0, 100, { maxEvents: 3_000 })].map(({ event }, i) =>
      oversized(i) ? ({ ...event, memo: 'x'.repeat(300_000) } as Transaction) : event,
    );
    // what must happen: a call's partition group with an oversized event fails whole, every other is stored
    const willFail = new Set<string>();
    for (let c = 0; c < events.length; c += CALL) {
      const call = events.slice(c, c + CALL);
      const bad = new Set(call.filter((_, j) => oversized(c + j)).map((e) => partitionFor(e.customer_id, PARTITIONS)));
      for (const e of call) if (bad.has(partitionFor(e.customer_id, PARTITIONS))) willFail.add(e.transaction_id);
    }

    const { reports, threw, stored, duplicates } = await sendAndReadBack(deliver, events);

    const byId = new Map<string, Report>();
    for (const r of reports) byId.set(r.transaction_id, r);
    const at = (p: { partition: number; offset: number }) => `${p.partition}@${p.offset}`;
    const problems = {
      storedReportedFailed: [] as string[],
      ackedNotStored: [] as string[],
      wrongPlace: [] as string[],
      noReport: [] as string[],
      noReason: [] as string[],
      storedButShouldFail: [] as string[],
      notStoredButShouldBe: [] as string[],
    };
    for (const e of events) {
      const id = e.transaction_id;
      const r = byId.get(id);
      const s = stored.get(id);
      if (!r) problems.noReport.push(s ? `${id} (on the topic at ${at(s)})` : id);
      else if (r.ok && !s) problems.ackedNotStored.push(`${id} (reported at ${at(r)})`);
      else if (r.ok && s && (r.partition !== s.partition || r.offset !== s.offset))
        problems.wrongPlace.push(`${id}: reported at ${at(r)}, it is at ${at(s)}`);
      else if (!r.ok && s) problems.storedReportedFailed.push(`${id} (on the topic at ${at(s)})`);
      else if (!r.ok && !r.error) problems.noReason.push(id);
      if (s && willFail.has(id)) problems.storedButShouldFail.push(`${id} (at ${at(s)})`);
      if (!s && !willFail.has(id)) problems.notStoredButShouldBe.push(id);
    }
    const sent = new Set(events.map((e) => e.transaction_id));
    const unknown = reports.filter((r) => !sent.has(r.transaction_id)).length;

    // each customer's stored events in the order they were sent (one customer is one partition)
    const last = new Map<string, number>();
    const outOfOrder: string[] = [];
    for (const e of events) {
      const s = stored.get(e.transaction_id);
      if (!s) continue;
      if ((last.get(e.customer_id) ?? -1) > s.offset)
        outOfOrder.push(`${e.customer_id} (${e.transaction_id} at ${at(s)})`);
      last.set(e.customer_id, s.offset);
    }

    const reportedAcked = reports.filter((r) => r.ok).length;
    const reasons = new Map<string, number>();
    for (const r of reports) if (!r.ok) reasons.set(r.error, (reasons.get(r.error) ?? 0) + 1);
    const lines = [
      `${events.length} events in ${events.length / CALL} calls of ${CALL} to ${PARTITIONS} partitions, ${events.filter((_, i) => oversized(i)).length} of them too large for the broker:`,
      `  stored: expected ${events.length - willFail.size} (every event whose partition's send had no oversized one), on the topic ${stored.size}, you reported ${reportedAcked} acked`,
      `  failed: expected ${willFail.size}, you reported ${reports.length - reportedAcked}${reasons.size ? `, because: ${[...reasons].map(([m, n]) => `"${m}" × ${n}`).join('; ')}` : ''}`,
    ];
    const say = (what: string, xs: string[]) => {
      if (xs.length) lines.push(`  ${what}: ${xs.length}, e.g. ${xs.slice(0, 2).join(', ')}`);
    };
    for (const t of threw.slice(0, 2)) lines.push(`  ${t}`);
    if (threw.length > 2) lines.push(`  … and ${threw.length - 2} more calls threw`);
    say(
      'on the topic, but you reported failed (a producer that retries them stores them twice)',
      problems.storedReportedFailed,
    );
    say('reported acked, but not on the topic (lost, and nobody knows)', problems.ackedNotStored);
    say('reported at the wrong place', problems.wrongPlace);
    say('no report at all', problems.noReport);
    say('reported failed without a reason', problems.noReason);
    say(
      'on the topic though its partition shared a send with an oversized event (one send per partition per call)',
      problems.storedButShouldFail,
    );
    say("not on the topic though its partition's send had nothing too large", problems.notStoredButShouldBe);
    say('stored more than once', duplicates);
    say('customers whose events are out of order on the topic', outOfOrder);
    if (unknown) lines.push(`  reports for events that were not sent: ${unknown}`);
    const ok =
      threw.length === 0 &&
      unknown === 0 &&
      duplicates.length === 0 &&
      outOfOrder.length === 0 &&
      Object.values(problems).every((xs) => xs.length === 0);
    if (ok)
      lines.push(`  every report matches the topic; no duplicates; ${last.size} customers, each in the order sent`);
    return { ok, lines };
  },
});

/** Your deliver() in calls of CALL events, in order; then the topic read back: where each event is. */
async function sendAndReadBack(deliver: Impl['deliver'], events: Transaction[]) {
  // the broker's refusals are in the reports; kafkajs need not log them too
  const kafka = createKafka('exercise-02-2', config(), { logLevel: logLevel.NOTHING });
  const topic = `exercise.02-2.${crypto.randomUUID().slice(0, 8)}`;
  await withAdmin(kafka, async (admin) => {
    await ensureTopics(admin, [
      {
        topic,
        numPartitions: PARTITIONS,
        replicationFactor: 1,
        configEntries: [{ name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) }],
      },
    ]);
    await waitForTopic(admin, topic);
  });
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const reports: Report[] = [];
    const threw: string[] = [];
    for (let c = 0; c < events.length; c += CALL) {
      try {
        reports.push(...(await deliver(producer, topic, PARTITIONS, events.slice(c, c + CALL))));
      } catch (e) {
        if (isMissingSolution(e)) throw e; // not started: say so, not "it threw"
        threw.push(
          `call ${c / CALL + 1} (events ${c}–${c + CALL - 1}) threw instead of reporting: ${(e as Error).message}`,
        );
      }
    }
    const offsets = await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic));
    const total = offsets.reduce((s, o) => s + Number(o.high), 0);
    const stored = new Map<string, { partition: number; offset: number }>();
    const duplicates: string[] = [];
    await drainTopic(kafka, topic, total, (m, partition) => {
      const id = (JSON.parse(m.value!.toString()) as Transaction).transaction_id;
      const offset = Number(m.offset);
      if (stored.has(id))
        duplicates.push(`${id} at ${stored.get(id)!.partition}@${stored.get(id)!.offset} and ${partition}@${offset}`);
      else stored.set(id, { partition, offset });
    });
    return { reports, threw, stored, duplicates };
  } finally {
    await producer.disconnect();
    await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [topic] })).catch(() => {});
  }
}
