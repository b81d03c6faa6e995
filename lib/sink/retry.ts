// When a write or a dead-letter send fails: retry (the database or broker is down, restarting, a lock
// timed out, a leader moved) or stop (the schema or the SQL is wrong, the broker refuses the request
// for good), because retrying those would loop forever. Pure: classification and backoff.
import { KafkaJSError, KafkaJSProtocolError } from 'kafkajs';
import { TxlabError } from '../errors.ts';

/** Errors that retrying cannot fix: the table or SQL is wrong, access is denied, a value cannot be stored. */
const FATAL_ERRNOS = new Set([
  1044,
  1045,
  1142, // access denied
  1049,
  1146,
  1054, // unknown database / table / column
  1064,
  1149, // SQL syntax
  1048,
  1264,
  1265,
  1292,
  1366,
  1406, // a value the column cannot hold (NULL, out of range, truncated, wrong)
]);

/** A write no retry can fix: the message says which batch, where, and why; the sink stops without committing past it. */
export class FatalSinkError extends TxlabError {}

/**
 * kafkajs wraps the error it gave up on (KafkaJSNumberOfRetriesExceeded after retriable ones,
 * KafkaJSNonRetriableError around one it may not retry): the innermost Kafka error says what happened.
 */
function kafkaRoot(e: KafkaJSError): KafkaJSError {
  let root = e;
  while (root.cause instanceof KafkaJSError && root.cause !== root) root = root.cause;
  return root;
}

export function isRetriable(e: unknown): boolean {
  // ours say so themselves (FatalSinkError is not retriable; a WaitTimeout is)
  if (e instanceof TxlabError) return e.retriable;
  // Kafka: by the error's type, as kafkajs's table of broker error codes marks it (src/protocol/error.js):
  // MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_RECORD … no; NOT_LEADER_OR_FOLLOWER, a lost connection,
  // a timeout … yes, also after kafkajs's own retries ran out (the broker may be back later)
  if (e instanceof KafkaJSError) return kafkaRoot(e).retriable;
  const errno = (e as { errno?: unknown }).errno;
  // connection errors (ECONNREFUSED, PROTOCOL_CONNECTION_LOST, 2006 gone away, 1053 shutdown), deadlocks
  // (1213), lock wait timeouts (1205), too many connections (1040), read-only (1290) ... all pass
  return !(typeof errno === 'number' && FATAL_ERRNOS.has(errno));
}

/** Exponential backoff: retry 1 waits 400 ms, retry 2 800 ms, ... up to `capMs`. */
export function backoffMs(retry: number, baseMs = 200, capMs = 10_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(1, retry));
}

/** The error in one line: code and message, e.g. `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:3307`. */
export function describeError(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  const message = String(err?.message ?? e)
    .split('\n')[0]!
    .slice(0, 300);
  const root = e instanceof KafkaJSError ? kafkaRoot(e) : undefined;
  // a broker's answer is named by its type (kafkajs's `code` is the number)
  const code = root instanceof KafkaJSProtocolError ? root.type : err?.code;
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

export type BatchRef = { what: string; rows: number; topic: string; partition: number; firstOffset: string };

/** `sink: batch of 500 from transactions[3] @ offset 1200 failed: <err> (retry 2, next in 800 ms)` */
export function retryLine(b: BatchRef, e: unknown, retry: number, nextMs: number): string {
  return `sink: ${b.what} of ${b.rows} from ${b.topic}[${b.partition}] @ offset ${b.firstOffset} failed: ${describeError(e)} (retry ${retry}, next in ${nextMs} ms)`;
}
