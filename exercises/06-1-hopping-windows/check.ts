// Check of exercise 06-1: first a few boundaries with plain values, then a seeded stream of 4,000
// transactions sent through Kafka (3 partitions) and windowed per category with your assigner
// (hopping 10 s every 5 s, and 30 s every 10 s): every window's count and sum must equal the ground
// truth (lib/windows/expected.ts), to the unit.
import { type CheckResult, compareKeyed, defineExercise } from '../../lib/exercises/define.ts';
import { throughTopic } from '../../lib/exercises/topic.ts';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import { eventTime } from '../../lib/windows/event-time.ts';
import { expectedWindows } from '../../lib/windows/expected.ts';

type Impl = typeof import('./solution.ts');

const T0 = Date.parse('2026-01-15T10:00:00.000Z');

export default defineExercise<Impl>({
  id: '06-1-hopping-windows',
  title: 'Hopping windows: every window that covers an event',
  teaches: 'how hopping windows are aligned to the epoch, overlap, and where an event exactly at an edge belongs',
  minutes: 15,
  engines: ['kafka'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ hoppingWindows }): Promise<CheckResult> {
    // 1. boundaries, plain values
    const cases: [number, number, number, string][] = [
      [12_000, 10_000, 5_000, '[5000,15000) [10000,20000)'],
      [10_000, 10_000, 5_000, '[5000,15000) [10000,20000)'], // exactly at a start: in the window starting there
      [9_999, 10_000, 5_000, '[0,10000) [5000,15000)'],
      [0, 4_000, 1_000, '[-3000,1000) [-2000,2000) [-1000,3000) [0,4000)'],
      [-1, 10_000, 10_000, '[-10000,0)'],
    ];
    const show = (ws: { start: number; end: number }[]) => ws.map((w) => `[${w.start},${w.end})`).join(' ');
    const wrong = cases
      .map(([t, size, hop, want]) => ({ t, size, hop, want, got: show(hoppingWindows(t, size, hop)) }))
      .filter((c) => c.got !== c.want);
    if (wrong.length > 0)
      return {
        ok: false,
        lines: wrong.map(
          (c) => `hoppingWindows(${c.t}, ${c.size}, ${c.hop}): expected ${c.want}, got ${c.got || 'nothing'}`,
        ),
      };

    // 2. a seeded stream through Kafka, windowed with your assigner against the ground truth
    const gen = new TransactionGenerator({
      seed: 61,
      customerCount: 500,
      merchantCount: 20,
      fraudRate: 0,
      declinedRate: 0.05,
      peakFactor: 1,
    });
    const events = [...gen.stream(T0, 100, { maxEvents: 4_000 })].map((s) => s.event);
    const perPartition = await throughTopic('06-1', events, 3);
    const lines: string[] = [];
    let ok = true;
    for (const [sizeMs, advanceMs] of [
      [10_000, 5_000],
      [30_000, 10_000],
    ] as const) {
      const got = new Map<string, { count: number; sum: number }>();
      for (const e of [...perPartition.values()].flat())
        for (const w of hoppingWindows(eventTime(e), sizeMs, advanceMs)) {
          const k = `${w.start}|${e.merchant_category}`;
          const a = got.get(k) ?? { count: 0, sum: 0 };
          a.count++;
          a.sum += e.amount;
          got.set(k, a);
        }
      const truth = expectedWindows(perPartition, {
        spec: { kind: 'hopping', sizeMs, advanceMs },
        key: (e) => e.merchant_category,
        boundMs: Number.MAX_SAFE_INTEGER / 4, // nothing late here: every event counts
        latenessMs: 0,
      });
      const expected = new Map(
        [...truth.windows].map(([k, w]) => [k, { count: w.aggregate.count, sum: w.aggregate.sum }]),
      );
      const r = compareKeyed(expected, got, (x) => `${x.count} events, sum ${x.sum}`);
      ok &&= r.ok;
      lines.push(
        `hopping ${sizeMs / 1000} s every ${advanceMs / 1000} s, per category, ${events.length} events: ${r.lines[0]}`,
        ...r.lines.slice(1),
      );
    }
    return { ok, lines };
  },
});
