// Check of exercise 09-1: first your plan on a hand-written sweep, at every boundary the README names;
// then on a real one. Lab 09's sweep (lib/scale/sweep.ts) on a 1-broker Kafka cluster of the check's own
// (lib/stack/cluster.ts): a backlog of 40,000 seeded transactions in a topic of 2 partitions and in one
// of 4, each drained by a fresh group of 1 consumer process, then 2, … up to one more than its
// partitions. Targets are set from what was measured (the best rate of one consumer, 90 % of the best,
// the best, above everything), and for each your choice must be the cheapest point that met it.
import { type CheckResult, defineExercise } from '../../lib/exercises/define.ts';
import { backlog, SWEEP_DEFAULTS, sweepCluster } from '../../lib/scale/sweep.ts';
import { startCluster } from '../../lib/stack/cluster.ts';

type Impl = typeof import('./solution.ts');
type Measured = Parameters<Impl['plan']>[0][number];
type Choice = ReturnType<Impl['plan']>;

const EVENTS = 40_000;
const SEED = 91;
const PARTITIONS = [2, 4];

// A sweep as one might measure it on 2 cores: more consumers help until the cores are busy; the idle
// members (2 × 3, 4 × 5) measure the others' rate, give or take noise. In no particular order.
const HAND = (partitions: number, consumers: number, records_per_s: number): Measured => ({
  partitions,
  consumers,
  records_per_s,
});
const SWEEP: Measured[] = [
  HAND(4, 3, 54_000),
  HAND(2, 1, 27_000),
  HAND(4, 5, 59_000),
  HAND(2, 3, 53_000),
  HAND(4, 1, 36_000),
  HAND(2, 2, 52_000),
  HAND(4, 4, 68_000),
  HAND(4, 2, 50_000),
];
const CASES: { points: Measured[]; target: number; want: Choice; why: string }[] = [
  {
    points: SWEEP,
    target: 27_000,
    want: { partitions: 2, consumers: 1 },
    why: 'met exactly; of two single consumers, the fewer partitions',
  },
  {
    points: SWEEP,
    target: 30_000,
    want: { partitions: 4, consumers: 1 },
    why: 'one consumer on 4 partitions is cheaper than two on 2',
  },
  { points: SWEEP, target: 52_000, want: { partitions: 2, consumers: 2 }, why: 'met exactly' },
  {
    points: SWEEP,
    target: 52_500,
    want: { partitions: 4, consumers: 3 },
    why: "2 × 3's 53,000 does not count: its third consumer held no partition",
  },
  { points: SWEEP, target: 68_000, want: { partitions: 4, consumers: 4 }, why: 'only the best meets it' },
  { points: SWEEP, target: 68_001, want: null, why: 'nothing measured meets it' },
  {
    points: SWEEP.filter((p) => p.partitions === 2),
    target: 52_500,
    want: null,
    why: 'with 2 partitions only the idle 2 × 3 gets there',
  },
  { points: [], target: 1, want: null, why: 'nothing measured' },
];

const show = (c: Choice | undefined) =>
  c ? `${c.partitions} partitions × ${c.consumers} consumer${c.consumers > 1 ? 's' : ''}` : String(c);
const same = (a: Choice, b: Choice | undefined) =>
  a && b ? a.partitions === b.partitions && a.consumers === b.consumers : a === b;
const rate = (n: number) => Math.round(n).toLocaleString('en');

/** The expected choice, worked out here: one pass, the cheapest eligible point so far. */
function cheapest(points: readonly Measured[], target: number): Choice {
  let best: Measured | undefined;
  for (const p of points) {
    if (p.consumers > p.partitions || p.records_per_s < target) continue;
    if (!best || p.consumers < best.consumers || (p.consumers === best.consumers && p.partitions < best.partitions))
      best = p;
  }
  return best ? { partitions: best.partitions, consumers: best.consumers } : null;
}

export default defineExercise<Impl>({
  id: '09-1-consumers-for-a-rate',
  title: 'Consumers for a rate: the cheapest configuration a sweep measured',
  teaches:
    'reading a throughput sweep to size a consumer group: the cheapest configuration that meets a rate, why a consumer beyond the partition count adds nothing, and that a rate nobody measured is not promised',
  minutes: 15,
  engines: [],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ plan }): Promise<CheckResult> {
    // 1. a hand-written sweep, plain values
    const wrong = CASES.map((c) => ({
      ...c,
      got: plan(
        c.points.map((p) => ({ ...p })),
        c.target,
      ),
    })).filter((c) => !same(c.want, c.got));
    if (wrong.length > 0)
      return {
        ok: false,
        lines: [
          `on a hand-written sweep (${SWEEP.map((p) => `${p.partitions}×${p.consumers} ${rate(p.records_per_s)}`).join(', ')} records/s):`,
          ...wrong.map(
            (c) =>
              `  target ${rate(c.target)} records/s${c.points === SWEEP ? '' : ` from ${c.points.length} of its points`}: ` +
              `expected ${show(c.want)} (${c.why}), got ${show(c.got)}`,
          ),
        ],
      };

    // 2. a real sweep, and targets from what it measured
    const cluster = await startCluster(1);
    let measured: Measured[];
    try {
      const { points } = await sweepCluster(cluster, backlog(EVENTS, SEED), { partitions: PARTITIONS, full: true });
      measured = points.map((p) => ({
        partitions: p.partitions,
        consumers: p.consumers,
        records_per_s: p.records_per_s,
      }));
    } finally {
      await cluster.stop({ graceMs: 0 });
    }
    const valid = measured.filter((p) => p.consumers <= p.partitions);
    const best = Math.max(...valid.map((p) => p.records_per_s));
    const targets = [
      {
        target: Math.max(...measured.filter((p) => p.consumers === 1).map((p) => p.records_per_s)),
        what: 'the best of one consumer',
      },
      { target: Math.round(0.9 * best), what: '90 % of the best' },
      { target: best, what: 'the best' },
      { target: Math.max(...measured.map((p) => p.records_per_s)) + 1, what: 'above everything measured' },
    ];
    const lines = [
      `on a hand-written sweep: ${CASES.length} of ${CASES.length} choices as expected`,
      `lab 09's sweep on a 1-broker cluster, ${EVENTS.toLocaleString('en')} transactions per topic, batch ${SWEEP_DEFAULTS.batches[0]} ` +
        '(records/s from the first batch to the last commit):',
      '  partitions  consumers  records/s',
      ...measured.map(
        (p) =>
          `  ${String(p.partitions).padStart(10)}  ${String(p.consumers).padStart(9)}  ${rate(p.records_per_s).padStart(9)}` +
          `${p.consumers > p.partitions ? `  (${p.consumers - p.partitions} idle)` : ''}`,
      ),
    ];
    let ok = true;
    for (const t of targets) {
      const want = cheapest(measured, t.target);
      const got = plan(
        measured.map((p) => ({ ...p })),
        t.target,
      );
      const right = same(want, got);
      ok &&= right;
      lines.push(
        `  ${right ? 'ok   ' : 'WRONG'} target ${rate(t.target)} records/s (${t.what}): expected ${show(want)}` +
          `${right ? '' : `, got ${show(got)}`}`,
      );
    }
    return { ok, lines };
  },
});
