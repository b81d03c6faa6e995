// Check of exercise 05-1: first eight transactions at the edges (night starts at 00:00 Tehran, not
// UTC; five times the median is enough; five earlier events are needed), then a seeded day of 24,000
// transactions with 5 % injected fraud sent through a Kafka topic of the check's own (3 partitions,
// keyed by customer), read back, and run per partition through the lab's real per-customer state with
// your rule beside the lab's five. Your hits must be exactly the ones computed here independently (a
// plain per-customer list, its median, and the local time as UTC + 3:30); then their precision and
// recall against the generator's labels are printed.
import { type CheckResult, defineExercise } from '../../lib/exercises/define.ts';
import { throughTopic } from '../../lib/exercises/topic.ts';
import { combineScores, evaluate } from '../../lib/fraud/detect/rules/index.ts';
import { RECENT_EVENTS, CustomerState, CustomerStates } from '../../lib/fraud/detect/state.ts';
import { toSeen } from '../../lib/fraud/detect/engine.ts';
import { FRAUD_TUNING } from '../../lib/fraud/detect/thresholds.ts';
import { T0, purchase } from '../../lib/fixtures/fraud.ts';
import { type FraudPattern, TransactionGenerator } from '../../lib/generator/index.ts';
import type { Transaction } from '../../lib/schema.ts';

type Impl = typeof import('./solution.ts');

/** noon in Tehran (08:30 UTC), so the night is the middle of the day the check sends */
const FROM = Date.parse('2026-01-14T08:30:00.000Z');
const DAY = 86_400_000;
const TEHRAN_OFFSET_MS = 3.5 * 3_600_000;
const rules = FRAUD_TUNING.rules;

export default defineExercise<Impl>({
  id: '05-1-night-rule',
  title: 'A new fraud rule: large amounts at night, measured against the labels',
  teaches:
    'writing an in-stream rule over a customer’s bounded past, in event time and local time, and judging it by precision and recall',
  minutes: 20,
  engines: ['kafka'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ nightHighAmount }): Promise<CheckResult> {
    // 1. the edges, one customer with 5 (or 4) earlier purchases of 100,000 (median 100,000)
    const at = (iso: string, amount: number, earlier = 5) => {
      const s = (Date.parse(iso) - T0) / 1000; // the fixtures count seconds from their T0
      const past = new CustomerState(-1);
      // 100,000 an hour apart, the last 7 hours before it (so the history itself is not at night)
      for (let k = earlier; k >= 1; k--) past.add(toSeen(purchase({ at: s - 3600 * k - 6 * 3600 })), []);
      return nightHighAmount(past, toSeen(purchase({ at: s, amount })), rules);
    };
    const cases: [iso: string, amount: number, earlier: number, fires: boolean, why: string][] = [
      ['2026-01-14T20:30:00.000Z', 500_000, 5, true, '00:00 Tehran, exactly 5× the median'],
      ['2026-01-14T20:29:59.999Z', 600_000, 5, false, '23:59:59.999 Tehran is still evening'],
      ['2026-01-15T02:29:59.999Z', 600_000, 5, true, '05:59:59.999 Tehran is night'],
      ['2026-01-15T02:30:00.000Z', 600_000, 5, false, '06:00 Tehran is morning'],
      ['2026-01-14T23:00:00.000Z', 499_999, 5, false, '02:30 Tehran, just under 5× the median'],
      ['2026-01-14T23:00:00.000Z', 1_000_000, 4, false, '02:30 Tehran, 10×, but only 4 earlier events'],
      ['2026-01-14T22:00:00.000Z', 1_000_000, 5, true, '01:30 Tehran (22:00 UTC), 10×'],
      ['2026-01-15T03:00:00.000Z', 1_000_000, 5, false, '06:30 Tehran (03:00 UTC), 10×'],
    ];
    const wrong = cases
      .map(([iso, amount, earlier, fires, why]) => ({
        iso,
        amount,
        earlier,
        fires,
        why,
        hit: at(iso, amount, earlier),
      }))
      .filter(
        (c) => (c.hit !== null) !== c.fires || (c.hit && (c.hit.rule !== 'night_high_amount' || c.hit.score !== 0.4)),
      );
    if (wrong.length > 0)
      return {
        ok: false,
        lines: wrong.map(
          (c) =>
            `${c.amount.toLocaleString('en-US')} at ${c.iso} after ${c.earlier} purchases of 100,000 (${c.why}): expected ${c.fires ? "{ rule: 'night_high_amount', score: 0.4 }" : 'null'}, got ${c.hit ? `{ rule: '${c.hit.rule}', score: ${c.hit.score} }` : 'null'}`,
        ),
      };

    // 2. a seeded day through Kafka, your rule beside the lab's five on the lab's per-customer state
    const gen = new TransactionGenerator({
      seed: 51,
      customerCount: 400,
      merchantCount: 40,
      fraudRate: 0.05,
      declinedRate: 0.05,
      peakFactor: 2.5,
    });
    const day = gen.backfill(24_000, FROM, FROM + DAY);
    const labels = new Map(day.flatMap((s) => (s.label ? [[s.event.transaction_id, s.label.pattern] as const] : [])));
    const perPartition = await throughTopic(
      '05-1',
      day.map((s) => s.event),
      3,
    );
    const got = new Set<string>();
    const labFlags = new Set<string>(); // what the lab's five rules send to review
    for (const [partition, events] of perPartition) {
      const states = new CustomerStates(FRAUD_TUNING.state);
      for (const tx of events) {
        const seen = toSeen(tx);
        const state = states.touch(tx.customer_id, partition, seen.timeMs);
        const hits = evaluate(state, seen, rules);
        if (combineScores(hits) >= FRAUD_TUNING.scores.review) labFlags.add(seen.id);
        if (nightHighAmount(state, seen, rules)) got.add(seen.id);
        state.add(seen, hits);
      }
    }

    // 3. the hits computed independently, and your hits against them
    const byId = new Map([...perPartition.values()].flat().map((tx) => [tx.transaction_id, tx]));
    const describe = (id: string) => {
      const tx = byId.get(id)!;
      const local = new Date(Date.parse(tx.timestamp) + TEHRAN_OFFSET_MS).toISOString().slice(11, 19);
      return `${tx.customer_id}'s ${tx.amount.toLocaleString('en-US')} at ${tx.timestamp} (${local} in Tehran)`;
    };
    const expected = expectedHits(perPartition);
    const missed = [...expected].filter((id) => !got.has(id));
    const extra = [...got].filter((id) => !expected.has(id));
    const sent = day.length;
    const lines = [
      `${sent.toLocaleString('en-US')} transactions (${labels.size} labeled fraud) through Kafka, 3 partitions: expected ${expected.size} hits, got ${got.size}` +
        (missed.length ? `; missed ${missed.length}, e.g. ${describe(missed[0]!)}` : '') +
        (extra.length ? `; ${extra.length} not expected, e.g. ${describe(extra[0]!)}` : ''),
    ];
    if (missed.length || extra.length) return { ok: false, lines };

    // 4. how good is the rule? precision and recall against the generator's labels
    const tp = [...got].filter((id) => labels.has(id));
    const byPattern = new Map<FraudPattern, number>();
    for (const id of tp) byPattern.set(labels.get(id)!, (byPattern.get(labels.get(id)!) ?? 0) + 1);
    const atNight = [...labels.keys()].filter((id) => isNight(Date.parse(byId.get(id)!.timestamp)));
    const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;
    lines.push(
      `precision ${pct(tp.length, got.size)} (${tp.length} of ${got.size} hits are fraud); recall ${pct(tp.length, labels.size)} of all fraud, ${pct(tp.length, atNight.length)} of the ${atNight.length} fraud events at night`,
      `caught by pattern: ${[...byPattern].map(([p, n]) => `${p} ${n}`).join(', ')}`,
      `fraud it catches that the lab's five rules do not send to review: ${tp.filter((id) => !labFlags.has(id)).length}`,
    );
    return { ok: true, lines };
  },
});

const isNight = (timeMs: number) => {
  const hour = Math.floor(((((timeMs + TEHRAN_OFFSET_MS) % DAY) + DAY) % DAY) / 3_600_000);
  return hour >= 0 && hour < 6;
};

/** Per customer, in the order its partition holds them: night, ≥ 5 earlier, amount ≥ 5 × the median of the last 32 before it. */
function expectedHits(perPartition: Map<number, Transaction[]>): Set<string> {
  const out = new Set<string>();
  const before = new Map<string, number[]>(); // every earlier amount of each customer, oldest first
  for (const events of perPartition.values())
    for (const tx of events) {
      const amounts = before.get(tx.customer_id) ?? [];
      before.set(tx.customer_id, amounts);
      const last = amounts.slice(-RECENT_EVENTS).sort((a, b) => a - b);
      const n = last.length;
      const median = n === 0 ? 0 : n % 2 ? last[(n - 1) / 2]! : (last[n / 2 - 1]! + last[n / 2]!) / 2;
      if (isNight(Date.parse(tx.timestamp)) && amounts.length >= rules.minHistory && tx.amount >= 5 * median)
        out.add(tx.transaction_id);
      amounts.push(tx.amount);
    }
  return out;
}
