// Dead-letter records: why a message was rejected and where it came from, in headers, so it can be
// inspected, fixed and replayed. The DLQ is at-least-once: a sink that crashes after sending a reject
// but before committing its offset sends it again on restart; the source topic/partition/offset
// headers identify such a repeat.
//
// A record's size is bounded, whatever came in: the broker refuses a request past its
// message.max.bytes (~1 MiB), and a DLQ send that can never succeed would stall the partition behind
// it. A value up to DLQ_LIMITS.wholeValueBytes goes whole; a larger one goes as its first
// DLQ_LIMITS.prefixBytes, with its size and SHA-256 (always sent) to identify it. Records go out in
// requests of at most DLQ_LIMITS.requestBytes, one send() per partition (lib/send.ts).
import { createHash } from 'node:crypto';
import type { IHeaders, Message, Producer } from 'kafkajs';
import { type PartitionCounts, REQUEST_BYTES, bySize, sendPerPartition } from '../send.ts';
import type { RejectReason } from './counters.ts';
import type { InMessage, Reject } from './decode.ts';
import type { Conflict } from './writer.ts';

export const DLQ_HEADER = {
  reason: 'dlq.reason',
  error: 'dlq.error',
  topic: 'dlq.source.topic',
  partition: 'dlq.source.partition',
  offset: 'dlq.source.offset',
  timestamp: 'dlq.source.timestamp',
  /** the original value's size in bytes, and its SHA-256 (hex) */
  bytes: 'dlq.source.bytes',
  sha256: 'dlq.source.sha256',
  /** what this record carries of the original value and key: `whole`, `prefix` or `none` (it had none) */
  value: 'dlq.value',
  key: 'dlq.key',
  group: 'dlq.group',
  failedAt: 'dlq.failed_at',
  /** a conflict: this event's payload hash, and the customer and payload hash the id is stored with */
  payloadSha256: 'dlq.conflict.payload_sha256',
  storedCustomer: 'dlq.conflict.stored_customer_id',
  storedSha256: 'dlq.conflict.stored_payload_sha256',
} as const;

export const DLQ_LIMITS = {
  /** a value up to this size goes whole (every event the sink accepts is at most MAX_EVENT_BYTES, 4 KiB) */
  wholeValueBytes: 64 << 10,
  /** of a larger value, this many first bytes go */
  prefixBytes: 4 << 10,
  /** of a key, this many bytes go at most */
  keyBytes: 1 << 10,
  /** bytes per DLQ request, well under the broker's message.max.bytes (~1 MiB) */
  requestBytes: REQUEST_BYTES,
} as const;

export type Source = { topic: string; partition: number; group: string };

/** Error text is cut to this many characters: a header is for reading, not for whole payloads. */
const MAX_ERROR_CHARS = 1000;

type Part = { bytes: Buffer | null; kept: 'whole' | 'prefix' | 'none' };
const bounded = (b: Buffer | null, whole: number, prefix: number): Part =>
  b === null
    ? { bytes: null, kept: 'none' }
    : b.length <= whole
      ? { bytes: b, kept: 'whole' }
      : { bytes: b.subarray(0, prefix), kept: 'prefix' };

export function toDlqMessage(reject: Reject, source: Source, nowMs: number): Message {
  const { message } = reject;
  const value = bounded(message.value, DLQ_LIMITS.wholeValueBytes, DLQ_LIMITS.prefixBytes);
  const key = bounded(message.key, DLQ_LIMITS.keyBytes, DLQ_LIMITS.keyBytes);
  return {
    key: key.bytes,
    value: value.bytes,
    headers: {
      [DLQ_HEADER.reason]: reject.reason,
      [DLQ_HEADER.error]: reject.error.slice(0, MAX_ERROR_CHARS),
      [DLQ_HEADER.topic]: source.topic,
      [DLQ_HEADER.partition]: String(source.partition),
      [DLQ_HEADER.offset]: message.offset,
      [DLQ_HEADER.timestamp]: message.timestamp,
      [DLQ_HEADER.bytes]: String(message.value?.length ?? 0),
      [DLQ_HEADER.sha256]: createHash('sha256')
        .update(message.value ?? Buffer.alloc(0))
        .digest('hex'),
      [DLQ_HEADER.value]: value.kept,
      [DLQ_HEADER.key]: key.kept,
      [DLQ_HEADER.group]: source.group,
      [DLQ_HEADER.failedAt]: new Date(nowMs).toISOString(),
      ...reject.headers,
    },
  };
}

/** A conflict found by the writer as a reject of the message it came from. */
export function conflictReject(c: Conflict, message: InMessage): Reject {
  const { tx } = c.row;
  const storedHash = c.stored.payload_sha256 ?? 'unknown (stored before payload hashes were kept)';
  const what =
    c.stored.customer_id === tx.customer_id
      ? `with another payload (sha256 ${storedHash})`
      : `for customer ${c.stored.customer_id} (payload sha256 ${storedHash})`;
  return {
    message,
    reason: 'conflict',
    error: `transaction_id ${tx.transaction_id} is stored already ${what}; this one, for ${tx.customer_id} with payload sha256 ${c.payload_sha256}, was not stored`,
    headers: {
      [DLQ_HEADER.payloadSha256]: c.payload_sha256,
      [DLQ_HEADER.storedCustomer]: c.stored.customer_id,
      [DLQ_HEADER.storedSha256]: c.stored.payload_sha256 ?? '',
    },
  };
}

/** The rejects of one chunk as DLQ requests: bounded records, in size-bounded slices. */
export function dlqRequests(rejects: readonly Reject[], source: Source, nowMs: number): Message[][] {
  return bySize(
    rejects.map((r) => toDlqMessage(r, source, nowMs)),
    DLQ_LIMITS.requestBytes,
  );
}

/** Where dead letters go: a producer and the partition counts it places records with. */
export type DeadLetters = { producer: Producer; partitions: PartitionCounts; topic: string };

/** Sends one request with acks from all in-sync replicas, one send() per partition; throws if the broker does not take it. */
export async function sendDlqRequest(dlq: DeadLetters, messages: readonly Message[]): Promise<void> {
  await sendPerPartition(dlq.producer, dlq.partitions, { topic: dlq.topic, acks: -1, messages });
}

export type DlqRecord = {
  reason: RejectReason;
  error: string;
  topic: string;
  partition: number;
  offset: string;
  /** the original value's size and SHA-256 */
  bytes: number;
  sha256: string;
  /** what the record carries of the original value */
  value: 'whole' | 'prefix' | 'none';
  conflict?: { payload_sha256: string; stored_customer_id: string; stored_payload_sha256: string };
};

/** Reads the headers back (tests and labs check what landed in the DLQ). */
export function readDlqHeaders(headers: IHeaders | undefined): DlqRecord {
  const h = (name: string) => {
    const v = headers?.[name];
    return v === undefined ? '' : Array.isArray(v) ? String(v[0]) : String(v);
  };
  const reason = h(DLQ_HEADER.reason) as RejectReason;
  return {
    reason,
    error: h(DLQ_HEADER.error),
    topic: h(DLQ_HEADER.topic),
    partition: Number(h(DLQ_HEADER.partition)),
    offset: h(DLQ_HEADER.offset),
    bytes: Number(h(DLQ_HEADER.bytes)),
    sha256: h(DLQ_HEADER.sha256),
    value: h(DLQ_HEADER.value) as DlqRecord['value'],
    ...(reason === 'conflict' && {
      conflict: {
        payload_sha256: h(DLQ_HEADER.payloadSha256),
        stored_customer_id: h(DLQ_HEADER.storedCustomer),
        stored_payload_sha256: h(DLQ_HEADER.storedSha256),
      },
    }),
  };
}
