// A plausible wrong answer to exercise 08-1 (the tests check that its check fails on it): the
// reference solution leaving `le` out of `sum by`: the buckets are summed into one series per method,
// and histogram_quantile has no buckets left to read.
import { Histogram, type Registry } from 'prom-client';
import { PAYMENT_METHODS, type Transaction } from '../../lib/schema.ts';

export const METRIC = 'txlab_exercise_payment_amount';
export const BUCKETS = [50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000];

export type AmountMetric = { observe(tx: Transaction): void; p90ByMethod: string };

export function amountMetric(registry: Registry): AmountMetric {
  const h = new Histogram({
    name: METRIC,
    help: 'Transaction amounts (minor units), by payment method',
    labelNames: ['payment_method'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  // every series exists from the first scrape: rate() needs a sample before the first event, too
  for (const payment_method of PAYMENT_METHODS) h.zero({ payment_method });
  return {
    observe: (tx) => h.observe({ payment_method: tx.payment_method }, tx.amount),
    // (wrong) per-second increase of each bucket, summed by method
    p90ByMethod: `histogram_quantile(0.9, sum by (payment_method) (rate(${METRIC}_bucket{job="$job"}[$__rate_interval])))`,
  };
}
