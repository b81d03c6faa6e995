// Sorting one chunk of Kafka messages into rows to store and rejects for the dead-letter topic, with
// the reason. Pure: a message is a plain value, so tests hand in fixtures.
import { decodeTransaction } from '../schema.ts';
import type { RejectReason } from './counters.ts';
import { type SinkRow, storageProblem } from './rows.ts';

/** The parts of a kafkajs message the sink reads. */
export type InMessage = {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers?: Record<string, unknown>;
};
/** A message for the dead-letter topic: why, in a line, and any further headers (a conflict's hashes). */
export type Reject = { message: InMessage; reason: RejectReason; error: string; headers?: Record<string, string> };
export type Classified = { rows: SinkRow[]; rejects: Reject[] };

export function classify(messages: readonly InMessage[], partition: number): Classified {
  const rows: SinkRow[] = [];
  const rejects: Reject[] = [];
  for (const message of messages) {
    const r = decodeTransaction(message.value);
    if (!r.ok) {
      rejects.push({ message, reason: r.reason, error: r.message });
      continue;
    }
    const problem = storageProblem(r.value);
    if (problem) {
      rejects.push({ message, reason: 'schema_violation', error: problem });
      continue;
    }
    // the record's own timestamp is stored too (kafka_timestamp): one DATETIME cannot hold must not stall the write
    const timestampMs = Number(message.timestamp);
    if (!(Number.isSafeInteger(timestampMs) && timestampMs >= DATETIME_MIN_MS && timestampMs <= DATETIME_MAX_MS)) {
      rejects.push({
        message,
        reason: 'schema_violation',
        error: `Kafka record timestamp ${JSON.stringify(message.timestamp)} is outside what DATETIME holds (years 1000–9999)`,
      });
      continue;
    }
    rows.push({ tx: r.value, origin: { partition, offset: message.offset, timestampMs } });
  }
  return { rows, rejects };
}

const DATETIME_MIN_MS = Date.UTC(1000, 0, 1);
const DATETIME_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Consecutive slices of at most `size` items. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new Error(`chunks: size must be ≥ 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
