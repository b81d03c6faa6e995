// The transaction event (seed 004's schema), validated by one zod schema at every boundary: the
// producer checks what it sends, consumers check what they receive. Money is an integer in minor
// units (never a float), and the totals must add up, so a corrupted amount cannot slip through.
// What is accepted is stored as it was sent: nothing the tables would round or read differently passes.
import { z } from 'zod';

export const MERCHANT_CATEGORIES = ['retail', 'food_service', 'entertainment', 'transportation', 'government'] as const;
export const PAYMENT_METHODS = ['online', 'pos', 'mobile', 'nfc'] as const;
export const COMMISSION_TYPES = ['flat', 'progressive', 'tiered'] as const;
export const CUSTOMER_TYPES = ['individual', 'CIP', 'business'] as const;
export const FAILURE_REASONS = [
  'insufficient_funds',
  'card_expired',
  'limit_exceeded',
  'incorrect_pin',
  'issuer_unavailable',
  'suspected_fraud',
] as const;

export const MerchantCategory = z.enum(MERCHANT_CATEGORIES);
export const PaymentMethod = z.enum(PAYMENT_METHODS);
export const CommissionType = z.enum(COMMISSION_TYPES);
export const CustomerType = z.enum(CUSTOMER_TYPES);
export const FailureReason = z.enum(FAILURE_REASONS);
export const Status = z.enum(['approved', 'declined']);

/**
 * An amount of money in minor units: a non-negative safe integer. The bound is what JSON can carry
 * exactly: JSON.parse reads a number past 2^53 − 1 as the nearest double (9007199254740993 becomes
 * …992), so a larger amount would be stored as something nobody sent. Sums of amounts may exceed it:
 * the sink adds them as BigInt and the tables hold BIGINT (up to 9.2 × 10^18).
 */
export const Money = z.int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Decimal places a coordinate may have: the tables keep 5 (DECIMAL(8,5), about 1 m), so more would be rounded away. */
export const COORDINATE_DECIMALS = 5;

/** A coordinate within ±`limit` with at most COORDINATE_DECIMALS decimals (35.72191 yes, 35.72191234 no). */
const coordinate = (limit: number) =>
  z
    .number()
    .min(-limit)
    .max(limit)
    .refine((x) => Number(x.toFixed(COORDINATE_DECIMALS)) === x, {
      message: `at most ${COORDINATE_DECIMALS} decimal places (the table stores ${COORDINATE_DECIMALS}, about 1 m)`,
    });

export const Location = z.object({ lat: coordinate(90), lng: coordinate(180) });

export const DeviceInfo = z.object({
  os: z.enum(['Android', 'iOS', 'Windows', 'macOS', 'Linux', 'POS']),
  app_version: z.string().regex(/^\d+\.\d+\.\d+$/, 'expected major.minor.patch'),
  /** stable per physical device: lets rules notice a transaction from a device the customer never used */
  device_id: z.string().regex(/^dev_[0-9a-f]{12}$/, 'expected dev_ followed by 12 hex digits'),
});

export const Transaction = z
  .object({
    /** canonical lower case: the same UUID in upper case is the same transaction, not a second one */
    transaction_id: z.uuid().toLowerCase(),
    timestamp: z.iso.datetime({ precision: 3 }),
    customer_id: z.string().regex(/^cust_\d+$/, 'expected cust_<number>'),
    merchant_id: z.string().regex(/^merch_\d+$/, 'expected merch_<number>'),
    merchant_category: MerchantCategory,
    payment_method: PaymentMethod,
    amount: Money.positive(),
    location: Location,
    device_info: DeviceInfo,
    status: Status,
    commission_type: CommissionType,
    commission_amount: Money,
    vat_amount: Money,
    total_amount: Money,
    customer_type: CustomerType,
    risk_level: z.int().min(1).max(5),
    failure_reason: FailureReason.nullable(),
  })
  .refine((t) => t.total_amount === t.amount + t.commission_amount + t.vat_amount, {
    path: ['total_amount'],
    message: 'must equal amount + commission_amount + vat_amount',
  })
  .refine((t) => (t.status === 'declined') === (t.failure_reason !== null), {
    path: ['failure_reason'],
    message: 'must be set exactly when status is declined',
  });
export type Transaction = z.infer<typeof Transaction>;

/** Largest serialized event a consumer accepts; anything bigger is oversized input, not a transaction. */
export const MAX_EVENT_BYTES = 4096;

export type ParseResult = { ok: true; value: Transaction } | { ok: false; reason: DecodeFailure; message: string };
export type DecodeFailure = 'oversized' | 'malformed_json' | 'schema_violation';

/** Decodes one Kafka message value into a Transaction, or says exactly why not (naming the fields). */
export function decodeTransaction(raw: Uint8Array | string | null | undefined): ParseResult {
  if (raw === null || raw === undefined) return { ok: false, reason: 'malformed_json', message: 'empty message value' };
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
  if (size > MAX_EVENT_BYTES) {
    return { ok: false, reason: 'oversized', message: `message of ${size} bytes exceeds ${MAX_EVENT_BYTES}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
  } catch (e) {
    return { ok: false, reason: 'malformed_json', message: `not JSON: ${(e as Error).message}` };
  }
  const parsed = Transaction.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'schema_violation', message: describeIssues(parsed.error) };
  return { ok: true, value: parsed.data };
}

/** One line naming every failing field, e.g. `amount: Too small: expected number to be >0; status: Invalid option`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
