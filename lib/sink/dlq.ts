// Dead-letter records: the rejected message unchanged (key, value), with why it was rejected and where
// it came from in headers, so it can be inspected, fixed and replayed. The DLQ is at-least-once: a
// sink that crashes after sending a reject but before committing its offset sends it again on restart;
// the source topic/partition/offset headers identify such a repeat.
import type { IHeaders, Message, Producer } from 'kafkajs';
import type { DecodeFailure } from '../schema.ts';
import type { Reject } from './decode.ts';

export const DLQ_HEADER = {
  reason: 'dlq.reason',
  error: 'dlq.error',
  topic: 'dlq.source.topic',
  partition: 'dlq.source.partition',
  offset: 'dlq.source.offset',
  timestamp: 'dlq.source.timestamp',
  group: 'dlq.group',
  failedAt: 'dlq.failed_at',
} as const;

export type Source = { topic: string; partition: number; group: string };

/** Error text is cut to this many characters: a header is for reading, not for whole payloads. */
const MAX_ERROR_CHARS = 1000;

export function toDlqMessage(reject: Reject, source: Source, nowMs: number): Message {
  return {
    key: reject.message.key,
    value: reject.message.value,
    headers: {
      [DLQ_HEADER.reason]: reject.reason,
      [DLQ_HEADER.error]: reject.error.slice(0, MAX_ERROR_CHARS),
      [DLQ_HEADER.topic]: source.topic,
      [DLQ_HEADER.partition]: String(source.partition),
      [DLQ_HEADER.offset]: reject.message.offset,
      [DLQ_HEADER.timestamp]: reject.message.timestamp,
      [DLQ_HEADER.group]: source.group,
      [DLQ_HEADER.failedAt]: new Date(nowMs).toISOString(),
    },
  };
}

export type DlqRecord = { reason: DecodeFailure; error: string; topic: string; partition: number; offset: string };

/** Reads the headers back (tests and labs check what landed in the DLQ). */
export function readDlqHeaders(headers: IHeaders | undefined): DlqRecord {
  const h = (name: string) => {
    const v = headers?.[name];
    return v === undefined ? '' : Array.isArray(v) ? String(v[0]) : String(v);
  };
  return {
    reason: h(DLQ_HEADER.reason) as DecodeFailure,
    error: h(DLQ_HEADER.error),
    topic: h(DLQ_HEADER.topic),
    partition: Number(h(DLQ_HEADER.partition)),
    offset: h(DLQ_HEADER.offset),
  };
}

/** Sends the rejects with acks from all in-sync replicas; throws if the broker does not take them. */
export async function sendRejects(
  producer: Producer,
  dlqTopic: string,
  rejects: readonly Reject[],
  source: Source,
): Promise<void> {
  if (rejects.length === 0) return;
  const now = Date.now();
  await producer.send({ topic: dlqTopic, acks: -1, messages: rejects.map((r) => toDlqMessage(r, source, now)) });
}
