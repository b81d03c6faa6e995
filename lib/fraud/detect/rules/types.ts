// What the in-stream rules see and say: a compact summary of each event, a read-only view of one
// customer's recent past, and a hit (rule, score in [0, 1], a reason a person can read). The rules'
// names are in the stage's vocabulary (../../vocabulary.ts).
import type { RuleName } from '../../vocabulary.ts';

export type { RuleName };

export type RuleHit = { rule: RuleName; score: number; reason: string };

/** The part of a transaction the rules use (event time, not arrival time). */
export type Seen = { id: string; timeMs: number; amount: number; lat: number; lng: number; deviceId: string };

/** One customer's past as the stream saw it, oldest first; bounded, so "all" means "the last N". */
export interface CustomerView {
  /** events seen for this customer since its state was created (not bounded) */
  readonly count: number;
  /** the most recent events, oldest first (at most the ring's capacity) */
  recent(): readonly Seen[];
  /** median amount over the recent events, or undefined when there are none */
  median(): number | undefined;
  knowsDevice(deviceId: string): boolean;
  /** what the rules said about an earlier event still in the ring */
  hitsFor(id: string): readonly RuleHit[] | undefined;
}

export type RuleThresholds = {
  velocity: { count: number; windowMs: number };
  highValue: { amount: number; count: number; ofLast: number };
  travel: { maxKmh: number; minKm: number };
  newDevice: { amountRatio: number };
  outlier: { ratio: number };
  /** rules that compare with the customer's own baseline wait for this many earlier events */
  minHistory: number;
};

/** A rule looks at the customer's past (before this event) and the event itself. */
export type Rule = (past: CustomerView, tx: Seen, t: RuleThresholds) => RuleHit | null;
