// The in-stream half of fraud detection: each transaction is scored by the rules against its
// customer's past (before adding it), then added to that past. A redelivered transaction (Kafka is
// at-least-once) gets its first answer again and is not counted twice. Pure and synchronous: a
// consumer feeds it events in partition order; tests feed it fixtures.
import type { Transaction } from '../../schema.ts';
import { type RuleHit, type RuleThresholds, type Seen, combineScores, evaluate } from './rules/index.ts';
import { CustomerStates, type StateLimits } from './state.ts';
import { FRAUD_TUNING, type FraudTuning } from './thresholds.ts';

export type Assessment = {
  transaction_id: string;
  customer_id: string;
  /** combined score in [0, 1] */
  score: number;
  hits: RuleHit[];
  /** score ≥ the review threshold: this one goes to a review workflow */
  risky: boolean;
  /** already assessed (Kafka redelivered it): same answer, state unchanged */
  redelivered: boolean;
};

export type EngineOptions = { rules: RuleThresholds; reviewScore: number; state: StateLimits };

export const engineOptions = (t: FraudTuning = FRAUD_TUNING): EngineOptions => ({
  rules: t.rules,
  reviewScore: t.scores.review,
  state: t.state,
});

export function toSeen(tx: Transaction): Seen {
  return {
    id: tx.transaction_id,
    timeMs: Date.parse(tx.timestamp),
    amount: tx.amount,
    lat: tx.location.lat,
    lng: tx.location.lng,
    deviceId: tx.device_info.device_id,
  };
}

export class RiskEngine {
  readonly customers: CustomerStates;

  constructor(private readonly options: EngineOptions) {
    const { velocity, highValue } = options.rules;
    this.customers = new CustomerStates(options.state, Math.max(32, highValue.ofLast, velocity.count + 3));
  }

  /** `partition` is where the event came from; state follows it across rebalances (-1: not from Kafka). */
  assess(tx: Transaction, partition = -1): Assessment {
    const seen = toSeen(tx);
    const state = this.customers.touch(tx.customer_id, partition, seen.timeMs);
    const seenBefore = state.hitsFor(seen.id);
    const hits = seenBefore ?? evaluate(state, seen, this.options.rules);
    if (!seenBefore) state.add(seen, hits);
    const score = combineScores(hits);
    return {
      transaction_id: tx.transaction_id,
      customer_id: tx.customer_id,
      score,
      hits,
      risky: score >= this.options.reviewScore,
      redelivered: seenBefore !== undefined,
    };
  }
}
