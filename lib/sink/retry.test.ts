import { describe, expect, test } from 'bun:test';
import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { TxlabError } from '../errors.ts';
import { WaitTimeout } from '../wait.ts';
import { FatalSinkError, backoffMs, describeError, isRetriable, retryLine } from './retry.ts';

const sqlError = (errno: number, code: string, message: string) => Object.assign(new Error(message), { errno, code });

describe('a failed write', () => {
  test('is retried when the database is unreachable, restarting, or a lock timed out', () => {
    expect(
      isRetriable(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3307'), { code: 'ECONNREFUSED', errno: -111 }),
      ),
    ).toBe(true);
    expect(
      isRetriable(
        Object.assign(new Error('Connection lost: The server closed the connection.'), {
          code: 'PROTOCOL_CONNECTION_LOST',
        }),
      ),
    ).toBe(true);
    expect(isRetriable(sqlError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found when trying to get lock'))).toBe(true);
    expect(isRetriable(sqlError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded'))).toBe(true);
  });

  test('stops the sink when retrying cannot help: a missing table, bad SQL, a value the column cannot hold', () => {
    expect(isRetriable(sqlError(1146, 'ER_NO_SUCH_TABLE', "Table 'txlab.transactions' doesn't exist"))).toBe(false);
    expect(isRetriable(sqlError(1064, 'ER_PARSE_ERROR', 'You have an error in your SQL syntax'))).toBe(false);
    expect(isRetriable(sqlError(1406, 'ER_DATA_TOO_LONG', "Data too long for column 'customer_id'"))).toBe(false);
    expect(isRetriable(new FatalSinkError('x'))).toBe(false);
    // our own errors say which they are: a bad SQL literal is not, a wait that timed out is
    expect({
      literal: isRetriable(new TxlabError('sql: not a finite number: NaN')),
      wait: isRetriable(new WaitTimeout('x', 'y')),
    }).toEqual({ literal: false, wait: true });
  });

  test('waits twice as long after each retry, up to a cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((r) => backoffMs(r))).toEqual([
      400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000,
    ]);
  });

  test('is logged with what failed, where, why, and what happens next', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3307'), { code: 'ECONNREFUSED' });
    expect(
      retryLine({ what: 'batch', rows: 500, topic: 'transactions', partition: 3, firstOffset: '1200' }, e, 2, 800),
    ).toBe(
      'sink: batch of 500 from transactions[3] @ offset 1200 failed: connect ECONNREFUSED 127.0.0.1:3307 (retry 2, next in 800 ms)',
    );
    expect(
      retryLine(
        { what: 'batch', rows: 10, topic: 't', partition: 0, firstOffset: '0' },
        sqlError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found'),
        1,
        400,
      ),
    ).toContain('failed: ER_LOCK_DEADLOCK: Deadlock found (retry 1');
  });
});

/** A broker's answer as kafkajs builds it (src/protocol/error.js gives each code its type and `retriable`). */
const protocolError = (type: string, code: number, retriable: boolean, message = `broker said ${type}`) =>
  new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable }));

/** What kafkajs's retrier throws for an error it may not retry (src/retry/index.js): the error as its cause. */
const gaveUp = (e: Error) => Object.assign(new KafkaJSNonRetriableError(e), { cause: e });

describe('a failed Kafka send', () => {
  test('is not retried when the broker refuses the request for good, as kafkajs hands it back', () => {
    for (const [type, code] of [
      ['MESSAGE_TOO_LARGE', 10],
      ['RECORD_LIST_TOO_LARGE', 18],
      ['INVALID_RECORD', 87],
    ] as const) {
      const refused = protocolError(type, code, false);
      // kafkajs's retrier wraps a non-retriable error once
      expect({ type, retriable: isRetriable(gaveUp(refused)) }).toEqual({
        type,
        retriable: false,
      });
      expect({ type, retriable: isRetriable(refused) }).toEqual({ type, retriable: false });
    }
  });

  test('is retried when the broker is away or a leader moved, even after kafkajs gave up its own retries', () => {
    const away = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    expect(isRetriable(away)).toBe(true);
    expect(isRetriable(new KafkaJSNumberOfRetriesExceeded(away, { retryCount: 10, retryTime: 5000 }))).toBe(true);
    const moved = protocolError('NOT_LEADER_OR_FOLLOWER', 6, true);
    expect(isRetriable(new KafkaJSNumberOfRetriesExceeded(moved, { retryCount: 10, retryTime: 5000 }))).toBe(true);
  });

  test('says which broker error it was', () => {
    const message = 'The request included a message larger than the max message size the server will accept';
    const refused = protocolError('MESSAGE_TOO_LARGE', 10, false, message);
    expect(describeError(gaveUp(refused))).toBe(`MESSAGE_TOO_LARGE: ${message}`);
  });
});
