// Types the generator shares with its callers, taken from the event schema so they cannot drift.
import type { Transaction } from '../schema.ts';

export type CommissionType = Transaction['commission_type'];
export type CustomerType = Transaction['customer_type'];
export type DeviceInfo = Transaction['device_info'];
export type MerchantCategory = Transaction['merchant_category'];
export type PaymentMethod = Transaction['payment_method'];

export const FRAUD_PATTERNS = ['velocity_burst', 'high_value_streak', 'impossible_travel', 'amount_outlier'] as const;
export type FraudPattern = (typeof FRAUD_PATTERNS)[number];

/** Ground truth for one event, kept beside it (never inside it) so the fraud lab can score itself. */
export type FraudLabel = { transaction_id: string; customer_id: string; pattern: FraudPattern; instance: string };

/** An event with its ground truth: `label` is null for an honest transaction. */
export type LabeledTransaction = { event: Transaction; label: FraudLabel | null };
