// A plausible wrong answer to exercise 01-2 (the tests check that its check fails on it): the
// reference solution counting a merchant hot only above a whole partition's fair share (1/partitions),
// not half of it: a merchant just under that still fills its partition far above the others.
import type { Transaction } from '../../lib/schema.ts';

export function keyFunction(sample: readonly Transaction[], partitions: number): (e: Transaction) => string {
  const counts = new Map<string, number>();
  for (const e of sample) counts.set(e.merchant_id, (counts.get(e.merchant_id) ?? 0) + 1);
  // (wrong) hot: alone more than a partition's fair share
  const hot = new Set([...counts].filter(([, n]) => n / sample.length > 1 / partitions).map(([merchant]) => merchant));
  // a hot merchant is spread by customer: many distinct keys hash evenly, and each (merchant, customer)
  // pair is still one key, so one partition; every other merchant stays one key, so whole
  return (e) => (hot.has(e.merchant_id) ? `${e.merchant_id}|${e.customer_id}` : e.merchant_id);
}
