// Reference solution of exercise 01-2 (read it after trying: `bun run exercise solution 01-2-hot-partition`).
import type { Transaction } from '../../lib/schema.ts';

export function keyFunction(sample: readonly Transaction[], partitions: number): (e: Transaction) => string {
  const counts = new Map<string, number>();
  for (const e of sample) counts.set(e.merchant_id, (counts.get(e.merchant_id) ?? 0) + 1);
  // hot: alone more than half a partition's fair share; on one partition it would leave no room for the rest
  const hot = new Set(
    [...counts].filter(([, n]) => n / sample.length > 1 / (2 * partitions)).map(([merchant]) => merchant),
  );
  // a hot merchant is spread by customer: many distinct keys hash evenly, and each (merchant, customer)
  // pair is still one key, so one partition; every other merchant stays one key, so whole
  return (e) => (hot.has(e.merchant_id) ? `${e.merchant_id}|${e.customer_id}` : e.merchant_id);
}
