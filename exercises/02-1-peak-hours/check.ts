// Check of exercise 02-1: one day of arrivals from your nextArrival (seed 21, λ = 0.05/s, peak factor 3),
// produced as a backfill (lab 02's produceAll: idempotent, acks=all, each record's timestamp its event
// time) to a Kafka topic of the check's own and read back; the events per UTC hour, counted from the
// timestamps the broker holds, must equal exactly those of the project's nextArrival on the same seed
// (lib/generator/arrivals.ts).
import { config } from '../../lib/config.ts';
import { drainTopic } from '../../lib/drain.ts';
import { type CheckResult, compareKeyed, defineExercise } from '../../lib/exercises/define.ts';
import { nextArrival as groundTruth } from '../../lib/generator/arrivals.ts';
import { type Scheduled, TransactionGenerator } from '../../lib/generator/index.ts';
import { createKafka, createProducer, ensureTopics, waitForTopic, withAdmin } from '../../lib/kafka.ts';
import { DeliveryStats, produceAll } from '../../lib/produce.ts';
import { type Rng, seededRng } from '../../lib/random.ts';
import { PartitionCounts } from '../../lib/send.ts';

type Impl = typeof import('./solution.ts');

const T0 = Date.parse('2026-01-15T00:00:00.000Z');
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SEED = 21;
const LAMBDA = 0.05;
const PEAK = 3;

type Next = (rng: Rng, fromMs: number, lambdaPerS: number, peakFactor: number) => number;

/** Every arrival in [T0, T0 + 1 day), one after the other from T0, with a fresh rng of the seed. */
function day(next: Next): { times: number[]; error?: string } {
  const rng = seededRng(SEED);
  const times: number[] = [];
  for (let t = T0; ; ) {
    const u = next(rng, t, LAMBDA, PEAK);
    if (!(Number.isFinite(u) && u > t))
      return { times, error: `nextArrival(rng, ${t}, ${LAMBDA}, ${PEAK}) returned ${u}: expected a time after ${t}` };
    if (u >= T0 + DAY_MS) return { times };
    if (times.length >= 30_000) return { times, error: 'more than 30,000 arrivals in a day: about 7,600 expected' };
    times.push((t = u));
  }
}

const hourOf = (ms: number) => `${String(Math.floor((ms - T0) / HOUR_MS)).padStart(2, '0')}:00`;
const perHour = (times: Iterable<number>) => {
  const out = new Map<string, number>();
  for (const t of times) out.set(hourOf(t), (out.get(hourOf(t)) ?? 0) + 1);
  return out;
};
const peakHour = (h: string) => Number(h.slice(0, 2)) >= 9 && Number(h.slice(0, 2)) < 18;

export default defineExercise<Impl>({
  id: '02-1-peak-hours',
  title: 'The Poisson clock with peak hours: thinning',
  teaches:
    "how a Poisson process with a time-varying rate is sampled exactly (thinning), why the rate is judged at each candidate's time, and why the order of random draws is part of a seeded generator's contract",
  minutes: 15,
  engines: ['kafka'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ nextArrival }): Promise<CheckResult> {
    const truth = day(groundTruth);
    const mine = day(nextArrival);
    if (mine.error) return { ok: false, lines: [mine.error] };

    const stored = await backfill(mine.times);
    const expected = perHour(truth.times.map(Math.floor));
    const got = perHour(stored.timestamps);
    const r = compareKeyed(expected, got, (n) => `${n} events`);
    const sum = (m: Map<string, number>, peak: boolean) =>
      [...m].filter(([h]) => peakHour(h) === peak).reduce((s, [, n]) => s + n, 0);
    const [ePeak, eOff, gPeak, gOff] = [sum(expected, true), sum(expected, false), sum(got, true), sum(got, false)];
    const lines = [
      `one day at λ = ${LAMBDA}/s, × ${PEAK} from 09:00 to 18:00 UTC: ${truth.times.length} arrivals expected, ${mine.times.length} from your nextArrival; ${stored.timestamps.length} on the broker (${stored.failed} failed sends)`,
      `  peak hours: expected ${ePeak} (${(ePeak / 9).toFixed(0)}/h; λ × ${PEAK} × 3600 = ${Math.round(LAMBDA * PEAK * 3600)} on average), got ${gPeak} (${(gPeak / 9).toFixed(0)}/h)`,
      `  other hours: expected ${eOff} (${(eOff / 15).toFixed(0)}/h; λ × 3600 = ${Math.round(LAMBDA * 3600)} on average), got ${gOff} (${(gOff / 15).toFixed(0)}/h)`,
      `events per UTC hour, from the timestamps the broker holds: ${r.lines[0]}`,
      ...r.lines.slice(1),
    ];
    // wrong only where the rate changes: the rate is judged at the wrong time
    const differ = [...new Set([...expected.keys(), ...got.keys()])].filter((h) => expected.get(h) !== got.get(h));
    const near = (g: number, e: number) => Math.abs(g - e) <= 4 * Math.sqrt(e);
    if (differ.length > 0 && differ.every((h) => h === '09:00' || h === '18:00'))
      lines.push(
        `  only ${differ.join(' and ')} differ${differ.length === 1 ? 's' : ''}, where the rate changes: is each candidate kept by the rate at its own time, not at fromMs?`,
      );
    // right rates, other numbers: the process is right but the draws are not the ones the seed replays
    else if (!r.ok && near(gPeak, LAMBDA * PEAK * 3600 * 9) && near(gOff, LAMBDA * 3600 * 15))
      lines.push(
        "  the rates look right, but these are not the seed's arrivals: per candidate, draw exponential(rng, maxRate) first, then one rng() to keep it or not, and nothing else",
      );
    return { ok: r.ok && stored.failed === 0, lines };
  },
});

/** The arrivals as transactions (content from the generator, seed 21), produced like lab 02's backfill, read back. */
async function backfill(times: number[]) {
  const gen = new TransactionGenerator({
    seed: SEED,
    customerCount: 500,
    merchantCount: 20,
    fraudRate: 0,
    declinedRate: 0.05,
    peakFactor: 1,
  });
  const events: Scheduled[] = [];
  const content = gen.stream(T0, 1);
  for (const t of times) {
    const { event, label } = content.next().value as Scheduled;
    events.push({ event: { ...event, timestamp: new Date(Math.floor(t)).toISOString() }, label, timeMs: t });
  }
  const kafka = createKafka('exercise-02-1', config());
  const topic = `exercise.02-1.${crypto.randomUUID().slice(0, 8)}`;
  await withAdmin(kafka, async (admin) => {
    await ensureTopics(admin, [{ topic, numPartitions: 3, replicationFactor: 1 }]);
    await waitForTopic(admin, topic);
  });
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const stats = new DeliveryStats();
    const acked = await produceAll(
      producer,
      new PartitionCounts(kafka),
      { transactions: topic, labels: topic },
      events,
      stats,
    );
    const timestamps: number[] = [];
    await drainTopic(kafka, topic, acked.length, (m) => timestamps.push(Number(m.timestamp)));
    return { timestamps, failed: stats.failed };
  } finally {
    await producer.disconnect();
    await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [topic] })).catch(() => {});
  }
}
