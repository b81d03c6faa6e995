// Reference solution of exercise 08-1 (read it after trying: `bun run exercise solution 08-1-amount-histogram`).
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
    // per-second increase of each bucket, summed over instances but keeping `le` (and the method)
    p90ByMethod: `histogram_quantile(0.9, sum by (le, payment_method) (rate(${METRIC}_bucket{job="$job"}[$__rate_interval])))`,
  };
}
