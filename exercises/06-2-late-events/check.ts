// Check of exercise 06-2: 3,000 seeded transactions, out of order by up to 2 s and 4 % of them delayed
// by 15–30 s, sent in that order through a Kafka topic with 3 partitions and read back as each partition
// holds them; your routing (5 s tumbling windows, bound 2 s, lateness 1 s) must give exactly the ground
// truth's counts per window and the same late ids (lib/windows/expected.ts).
import { type CheckResult, compareKeyed, defineExercise } from '../../lib/exercises/define.ts';
import { throughTopic } from '../../lib/exercises/topic.ts';
import { disorder } from '../../lib/generator/disorder.ts';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import { expectedWindows } from '../../lib/windows/expected.ts';

type Impl = typeof import('./solution.ts');

const T0 = Date.parse('2026-01-15T10:00:00.000Z');
const OPTIONS = { sizeMs: 5_000, boundMs: 2_000, latenessMs: 1_000 };

export default defineExercise<Impl>({
  id: '06-2-late-events',
  title: 'Late events: per-partition stream time and a late output',
  teaches:
    'why lateness is judged per partition, what the watermark bound and allowed lateness each buy, and that no event is dropped silently',
  minutes: 20,
  engines: ['kafka'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ route }): Promise<CheckResult> {
    const gen = new TransactionGenerator({
      seed: 62,
      customerCount: 500,
      merchantCount: 20,
      fraudRate: 0,
      declinedRate: 0.05,
      peakFactor: 1,
    });
    const sent = [
      ...disorder(gen.stream(T0, 100, { maxEvents: 3_000 }), {
        seed: 62,
        boundMs: 2_000,
        lateShare: 0.04,
        lateByMs: 15_000,
        lateSpreadMs: 15_000,
      }),
    ];
    const perPartition = await throughTopic(
      '06-2',
      sent.map((s) => s.event),
      3,
    );
    const got = route(perPartition, OPTIONS);
    const truth = expectedWindows(perPartition, {
      spec: { kind: 'tumbling', sizeMs: OPTIONS.sizeMs },
      key: (e) => e.merchant_category,
      ...OPTIONS,
    });
    const counts = compareKeyed(
      new Map([...truth.windows].map(([k, w]) => [k, w.aggregate.count])),
      got.counts,
      (n) => `${n} events`,
    );
    const lateWanted = truth.late.map((l) => l.transaction_id);
    const lateGot = new Set(got.late);
    const missed = lateWanted.filter((id) => !lateGot.has(id));
    const wrongly = got.late.filter((id) => !lateWanted.includes(id));
    const lateOk = missed.length === 0 && wrongly.length === 0 && got.late.length === lateWanted.length;
    return {
      ok: counts.ok && lateOk,
      lines: [
        `windows (5 s tumbling per category): ${counts.lines[0]}`,
        ...counts.lines.slice(1),
        `late: expected ${lateWanted.length} (${sent.filter((s) => s.delayedLate).length} were delayed late on purpose), got ${got.late.length}` +
          (missed.length ? `; not sent to late: ${missed.slice(0, 3).join(', ')}${missed.length > 3 ? '…' : ''}` : '') +
          (wrongly.length
            ? `; late but should count: ${wrongly.slice(0, 3).join(', ')}${wrongly.length > 3 ? '…' : ''}`
            : ''),
      ],
    };
  },
});
