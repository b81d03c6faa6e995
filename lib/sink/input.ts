// Lab 03's input: generated transactions as Kafka messages, plus a few deliberately bad messages of
// each class the sink must send to the dead-letter topic. Pure: values in, messages out.
import { type Rng, intBetween } from '../random.ts';
import { type DecodeFailure, MAX_EVENT_BYTES, type Transaction } from '../schema.ts';

export type InputMessage = { key: string; value: string; bad?: DecodeFailure };

export const good = (tx: Transaction): InputMessage => ({ key: tx.customer_id, value: JSON.stringify(tx) });

/** Bad messages, `perClass` of each reason, made from a valid transaction `tx` so each breaks one thing. */
export function badMessages(tx: Transaction, perClass: number): InputMessage[] {
  const json = JSON.stringify(tx);
  const malformed = [json.slice(0, Math.floor(json.length / 2)), `${json.slice(0, -1)},}`, 'amount=1500', ''];
  const violations: unknown[] = [
    { ...tx, amount: -tx.amount }, // negative amount
    { ...tx, merchant_category: 'casino' }, // unknown enum value
    { ...tx, transaction_id: undefined }, // missing field
    { ...tx, amount: tx.amount + 0.5 }, // money as a float
    { ...tx, status: 'declined', failure_reason: null }, // declined without a reason
  ];
  const out: InputMessage[] = [];
  for (let i = 0; i < perClass; i++) {
    out.push({ key: tx.customer_id, value: malformed[i % malformed.length]!, bad: 'malformed_json' });
    out.push({ key: tx.customer_id, value: JSON.stringify(violations[i % violations.length]), bad: 'schema_violation' });
    out.push({ key: tx.customer_id, value: JSON.stringify({ ...tx, notes: 'x'.repeat(MAX_EVENT_BYTES + 100 * i) }), bad: 'oversized' });
  }
  return out;
}

/** `good` with each of `bad` inserted at a random position (seeded), so bad input arrives between good. */
export function interleave<T>(good: readonly T[], bad: readonly T[], rng: Rng): T[] {
  const out = [...good];
  for (const b of bad) out.splice(intBetween(rng, 0, out.length), 0, b);
  return out;
}
