// Event time: when the transaction happened, as its `timestamp` says (ms since the epoch), not when
// Kafka or the consumer saw it. Everything windowed in txlab is over this time.
import type { Transaction } from '../schema.ts';

export const eventTime = (e: Pick<Transaction, 'timestamp'>): number => Date.parse(e.timestamp);
