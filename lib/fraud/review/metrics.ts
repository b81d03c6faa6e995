// The review worker's metrics: reviews finished by verdict and who decided, holds published, and how
// long a review took from the flag to its final verdict. Counted where a verdict is published (the
// workflow's last step), by wrapping the worker's publisher. The Temporal SDK's own metrics (task
// slots, poll and schedule-to-start latencies) come from its runtime's exporter (worker-service.ts).
import { Counter, Histogram } from 'prom-client';
import { registry } from '../../metrics.ts';
import { DECIDED_BY, VERDICTS } from '../vocabulary.ts';
import type { VerdictPublisher } from './publisher.ts';
import type { Verdict } from './schemas.ts';

const registers = [registry];

export const reviewMetrics = {
  finished: new Counter({
    name: 'txlab_fraud_reviews_finished_total',
    help: 'Reviews that published their final verdict, by verdict and who decided',
    labelNames: ['verdict', 'decided_by'] as const,
    registers,
  }),
  holds: new Counter({
    name: 'txlab_fraud_holds_total',
    help: 'Holds published (a review waiting for an analyst)',
    registers,
  }),
  reviewSeconds: new Histogram({
    name: 'txlab_fraud_review_seconds',
    help: 'Flagged to final verdict, by who decided (a hold waits for an analyst or its timeout)',
    labelNames: ['decided_by'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300],
    registers,
  }),
};

for (const verdict of VERDICTS)
  for (const decided_by of DECIDED_BY) if (verdict !== 'hold') reviewMetrics.finished.inc({ verdict, decided_by }, 0);

/** Counts a published verdict (an activity retried after publishing counts again: at least once). */
export function observeVerdict(v: Verdict) {
  if (v.verdict === 'hold') {
    reviewMetrics.holds.inc();
    return;
  }
  reviewMetrics.finished.inc({ verdict: v.verdict, decided_by: v.decided_by });
  const seconds = (Date.parse(v.decided_at) - Date.parse(v.flagged_at)) / 1000;
  if (Number.isFinite(seconds)) reviewMetrics.reviewSeconds.observe({ decided_by: v.decided_by }, Math.max(0, seconds));
}

/** The publisher, counting each verdict it has published. */
export const countingPublisher = (p: VerdictPublisher): VerdictPublisher => ({
  async publish(v) {
    await p.publish(v);
    observeVerdict(v);
  },
});
