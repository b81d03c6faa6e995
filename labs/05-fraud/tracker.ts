// What lab 05 knows about its own events as they flow: ground truth (from the generator), what the
// rules said, whether a review started and when, and the verdicts seen on the topic. It answers the
// per-second timeline and, at the end, the events to score.
import type { Scheduled } from '../../lib/generator/index.ts';
import type { FraudLabel } from '../../lib/generator/types.ts';
import type { Assessment } from '../../lib/fraud/detect/engine.ts';
import type { Verdict } from '../../lib/fraud/review/schemas.ts';
import type { RuleName, VerdictKind } from '../../lib/fraud/vocabulary.ts';
import type { ScoredEvent } from './score.ts';

type Tracked = {
  live: boolean;
  label: FraudLabel | null;
  assessed: boolean;
  rules: RuleName[];
  primary: RuleName | null;
  /** when the review started, on the lab clock (s) */
  flaggedS: number | null;
};

export class RunTracker {
  private readonly events = new Map<string, Tracked>();
  historyConsumed = 0;
  liveConsumed = 0;
  liveReviewed = 0;
  /** the latest verdict of each live review, as the verdicts topic says */
  readonly shown: Record<VerdictKind, number> = { approve: 0, decline: 0, hold: 0 };

  constructor(private readonly clock: () => number) {}

  add(e: Scheduled, live: boolean): void {
    this.events.set(e.event.transaction_id, {
      live,
      label: e.label,
      assessed: false,
      rules: [],
      primary: null,
      flaggedS: null,
    });
  }

  /** The live stream is drawn one event ahead of sending: forget what was drawn but never sent. */
  keepSent(sent: readonly Scheduled[]): void {
    const ids = new Set(sent.map((e) => e.event.transaction_id));
    for (const [id, t] of this.events) if (t.live && !ids.has(id)) this.events.delete(id);
  }

  isLive(transactionId: string): boolean {
    return this.events.get(transactionId)?.live ?? false;
  }

  /** The fraud consumer assessed one of ours (or someone else's, which is ignored). */
  assessed(a: Assessment, reviewed: boolean): void {
    const t = this.events.get(a.transaction_id);
    if (!t || t.assessed) return;
    t.assessed = true;
    if (t.live) this.liveConsumed++;
    else this.historyConsumed++;
    t.rules = a.hits.map((h) => h.rule);
    if (reviewed) {
      t.primary = [...a.hits].sort((x, y) => y.score - x.score)[0]!.rule;
      t.flaggedS = this.clock();
      if (t.live) this.liveReviewed++;
    }
  }

  /** A verdict on the topic replaced `previous` (the feed already dropped repeats). */
  verdict(v: Verdict, previous: Verdict | undefined): void {
    if (!this.isLive(v.transaction_id)) return;
    if (previous) this.shown[previous.verdict]--;
    this.shown[v.verdict]++;
  }

  /** Live reviews: transaction id → flagged time (lab clock) and the strongest rule. */
  reviews(): { transaction_id: string; flagged_s: number; rule: RuleName; truth: FraudLabel['pattern'] | 'none' }[] {
    return [...this.events]
      .filter(([, t]) => t.live && t.flaggedS !== null)
      .map(([id, t]) => ({
        transaction_id: id,
        flagged_s: t.flaggedS!,
        rule: t.primary!,
        truth: t.label?.pattern ?? 'none',
      }));
  }

  /** Every live event, with the final verdicts, for scoring. */
  scored(verdicts: ReadonlyMap<string, Verdict>): ScoredEvent[] {
    return [...this.events]
      .filter(([, t]) => t.live)
      .map(([id, t]) => {
        const v = verdicts.get(id);
        return {
          transaction_id: id,
          pattern: t.label?.pattern ?? null,
          instance: t.label?.instance ?? null,
          primary_rule: t.primary,
          rules: t.rules,
          verdict: v ? { verdict: v.verdict, decided_by: v.decided_by } : null,
        };
      });
  }
}
