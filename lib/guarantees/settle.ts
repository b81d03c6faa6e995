// The processing step every pipeline of lab 07 runs: a transaction from the input becomes a settlement
// record (what the merchant is paid), or, when the input is bad, a rejection with the reason. Each output
// names the input record it came from (partition and offset), which is what the audit counts. Pure.
import type { Message } from 'kafkajs';
import { decodeTransaction } from '../schema.ts';

export type Source = { partition: number; offset: number };

export type Settlement = {
  source: Source;
  outcome: 'settled' | 'rejected';
  transaction_id: string | null;
  customer_id: string | null;
  amount: number | null;
  /** amount less the merchant's commission, in minor units */
  payout: number | null;
  reason: string | null;
};

export function settle(value: Buffer | string | null, source: Source): Settlement {
  const r = decodeTransaction(value);
  if (!r.ok)
    return {
      source,
      outcome: 'rejected',
      transaction_id: null,
      customer_id: null,
      amount: null,
      payout: null,
      reason: `${r.reason}: ${r.message}`.slice(0, 255),
    };
  const tx = r.value;
  return {
    source,
    outcome: 'settled',
    transaction_id: tx.transaction_id,
    customer_id: tx.customer_id,
    amount: tx.amount,
    payout: tx.amount - tx.commission_amount,
    reason: null,
  };
}

/** A settlement as a Kafka record: keyed like its input (by customer), or by source for a rejection. */
export function settlementMessage(s: Settlement, writtenBy: number): Message {
  return {
    key: s.customer_id ?? `${s.source.partition}:${s.source.offset}`,
    value: JSON.stringify({ ...s, written_by: writtenBy }),
  };
}

/** `3:1200`: an input record's identity, as the audit counts it */
export const sourceKey = (s: Source) => `${s.partition}:${s.offset}`;
