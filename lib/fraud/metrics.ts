// The fraud consumer's metrics (consumer.ts, launcher.ts): events assessed by the rules, how many were
// invalid, risky, or risky but too old to review, reviews started, and reviews in flight.
import { Counter, Gauge } from 'prom-client';
import { registry } from '../metrics.ts';

const registers = [registry];

export const fraudMetrics = {
  assessed: new Counter({
    name: 'txlab_fraud_events_assessed_total',
    help: 'Transactions run through the rules',
    registers,
  }),
  invalid: new Counter({
    name: 'txlab_fraud_events_invalid_total',
    help: 'Messages that are not a valid transaction, skipped (the sink dead-letters them)',
    registers,
  }),
  risky: new Counter({ name: 'txlab_fraud_events_risky_total', help: 'Transactions the rules flag', registers }),
  stale: new Counter({
    name: 'txlab_fraud_events_stale_total',
    help: 'Risky transactions too old to review (state only)',
    registers,
  }),
  reviewsStarted: new Counter({
    name: 'txlab_fraud_reviews_started_total',
    help: 'Review workflows started',
    registers,
  }),
  reviewsInFlight: new Gauge({
    name: 'txlab_fraud_reviews_in_flight',
    help: 'Review workflows started here and not finished yet',
    registers,
  }),
};
