// The views the windows consumer computes over `transactions`, from one window size W: what seed 004
// teaches (transactions and revenue per category, tumbling and hopping) and what the anomaly rules read
// (per merchant; per customer over 30 s, seed 002's high-frequency customer).
import type { WindowSpec } from './assign.ts';
import type { View } from './operator.ts';

export const VIEW_NAMES = ['category_tumbling', 'category_hopping', 'merchant_tumbling', 'customer_hopping'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

/** the customer view's window: 30 s, hopping every 5 s (a velocity burst is 5–7 payments 3–12 s apart) */
export const CUSTOMER_WINDOW: WindowSpec = { kind: 'hopping', sizeMs: 30_000, advanceMs: 5_000 };

export function standardViews(windowMs: number): View[] {
  return [
    { name: 'category_tumbling', spec: { kind: 'tumbling', sizeMs: windowMs }, key: (e) => e.merchant_category },
    {
      name: 'category_hopping',
      spec: { kind: 'hopping', sizeMs: 2 * windowMs, advanceMs: windowMs },
      key: (e) => e.merchant_category,
    },
    { name: 'merchant_tumbling', spec: { kind: 'tumbling', sizeMs: windowMs }, key: (e) => e.merchant_id },
    { name: 'customer_hopping', spec: CUSTOMER_WINDOW, key: (e) => e.customer_id },
  ];
}
