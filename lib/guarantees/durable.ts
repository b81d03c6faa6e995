// The moment a protocol makes something durable, seen from outside it, so that a fault injector can
// SIGKILL the process right there (crash phase `first-durable`, modes.ts) whatever the protocol's code
// (an exercise's): the commit of a Kafka transaction that held records or offsets, the commit of a SQL
// transaction that held a write, or a write in autocommit. The wrappers behave as the real producer and
// connection do (same methods, same results) and call `durable` once the broker or server has said yes.
//
// A SQL connection's transaction is followed by what the protocol calls on it: beginTransaction, commit
// and rollback, or the statements BEGIN / START TRANSACTION, COMMIT and ROLLBACK (not `SET autocommit`).
import type { Transaction as KafkaTransaction, Producer } from 'kafkajs';
import type { PoolConnection } from 'mysql2/promise';

type Durable = () => Promise<void>;

/** `target`, with `overrides` in place of some of its methods; the others still run on `target` itself. */
function wrap<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const v = Reflect.get(t, key, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

export const isTransaction = (to: Producer | KafkaTransaction): to is KafkaTransaction =>
  typeof (to as Partial<KafkaTransaction>).sendOffsets === 'function';

/** `producer`, whose transactions call `durable` once a commit of sent records or offsets is acknowledged. */
export function watchTransactions(producer: Producer, durable: Durable): Producer {
  return wrap(producer, {
    async transaction() {
      const txn = await producer.transaction();
      let holds = false;
      return wrap(txn, {
        send: (r) => ((holds = true), txn.send(r)),
        sendBatch: (r) => ((holds = true), txn.sendBatch(r)),
        sendOffsets: (o) => ((holds = true), txn.sendOffsets(o)),
        async commit() {
          await txn.commit();
          if (holds) await durable();
        },
      });
    },
  });
}

const START = /^\s*(begin|start\s+transaction)\b/i;
const COMMIT = /^\s*commit\b/i;
const ROLLBACK = /^\s*rollback\b(?!\s+to\b)/i;
type TxState = { open: boolean; holds: boolean };
const states = new WeakMap<object, TxState>();

/** `conn`, following its transaction: one that held a write (see `wrote`) calls `durable` when it commits. */
export function watchConnection(conn: PoolConnection, durable: Durable): PoolConnection {
  const s: TxState = { open: false, holds: false };
  const end = async (committed: boolean) => {
    const held = s.holds;
    s.open = s.holds = false;
    if (committed && held) await durable();
  };
  const after = async (sql: unknown) => {
    const text = typeof sql === 'string' ? sql : String((sql as { sql?: unknown } | null)?.sql ?? '');
    if (START.test(text)) s.open = true;
    else if (COMMIT.test(text)) await end(true);
    else if (ROLLBACK.test(text)) await end(false);
  };
  const watched = wrap(conn, {
    async beginTransaction() {
      await conn.beginTransaction();
      s.open = true;
    },
    async commit() {
      await conn.commit();
      await end(true);
    },
    async rollback() {
      await conn.rollback();
      await end(false);
    },
    query: (async (sql: unknown, ...rest: unknown[]) => {
      const r = await (conn.query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
      await after(sql);
      return r;
    }) as PoolConnection['query'],
    execute: (async (sql: unknown, ...rest: unknown[]) => {
      const r = await (conn.execute as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
      await after(sql);
      return r;
    }) as PoolConnection['execute'],
  });
  states.set(watched, s);
  return watched;
}

/**
 * After a write on `conn` succeeded: inside an open transaction it becomes durable when that commits;
 * otherwise (autocommit, or a connection this module does not watch) it is durable now.
 */
export async function wrote(conn: PoolConnection, durable: Durable): Promise<void> {
  const s = states.get(conn);
  if (s?.open) s.holds = true;
  else await durable();
}
