// Exercise 08-1: a metric and the dashboard panel that reads it. Write the part marked TODO; check it with
//   bun run exercise check 08-1-amount-histogram
import { Histogram, type Registry } from 'prom-client';
import { todo } from '../../lib/exercises/missing.ts';
import { PAYMENT_METHODS, type Transaction } from '../../lib/schema.ts';

/** The histogram's name (Prometheus adds `_bucket`, `_sum` and `_count` to the series it exposes). */
export const METRIC = 'txlab_exercise_payment_amount';

/** Bucket upper bounds, minor units (500.00 … 50,000.00): `le` labels; `+Inf` is added by the client. */
export const BUCKETS = [50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000];

export type AmountMetric = {
  /** counts one transaction: its `amount`, labelled by its `payment_method` */
  observe(tx: Transaction): void;
  /**
   * The panel "p90 payment amount by method": PromQL returning one series per payment_method, the 90th
   * percentile of the amounts observed over the last `$__rate_interval` (Grafana fills it in), from
   * this process's series only: select them with `{job="$job"}` (the dashboard's job variable).
   */
  p90ByMethod: string;
};

/**
 * Registers the histogram METRIC in `registry` (label `payment_method`, buckets BUCKETS), with every
 * payment method's series present at 0 from the start, and says how to observe a transaction and how
 * the panel queries it.
 */
export function amountMetric(registry: Registry): AmountMetric {
  // TODO: new Histogram({ name, help, labelNames, buckets, registers }), zero for each of PAYMENT_METHODS
  // (`.zero({ payment_method })`), then { observe(tx) { … }, p90ByMethod: 'histogram_quantile(…)' }
  return todo('amountMetric in exercises/08-1-amount-histogram/exercise.ts');
}
