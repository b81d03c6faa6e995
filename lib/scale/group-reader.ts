// A consumer group member that only counts what it reads: the consumer side of the broker-failure
// timeline (lib/scale/failover.ts). Brokers dying under it crash kafkajs's consumer; kafkajs restarts it
// after a retriable error, and this starts a new member after any other, so reading resumes once the
// cluster is back. Every crash is kept, with its error and who restarted it.
import type { Consumer, Kafka } from 'kafkajs';
import { groupConsumerConfig } from '../kafka.ts';
import { waitFor, waitUntil } from '../wait.ts';

export type ReaderCrash = { t_ms: number; error: string; restarted_by: 'kafkajs' | 'reader' };

export type GroupReader = {
  /** records read so far */
  read(): number;
  /** whether the member has read every partition up to `ends` (partition → offset) */
  reached(ends: ReadonlyMap<number, number>): boolean;
  readonly crashes: ReaderCrash[];
  stop(): Promise<void>;
};

/**
 * Joins `group` on `topic` from the beginning; resolves once the member has joined. `retryMaxMs` caps the
 * wait between retries (kafkajs doubles it up to 30 s: a member would read again long after the brokers
 * are back).
 */
export async function startGroupReader(
  kafka: Kafka,
  group: string,
  topic: string,
  o: { at: () => number; retryMaxMs: number; joinTimeoutMs?: number },
): Promise<GroupReader> {
  const at = o.at;
  let read = 0;
  /** partition → the offset after the last record read */
  const positions = new Map<number, number>();
  let running = true;
  let joined = false;
  const crashes: ReaderCrash[] = [];
  let current: Consumer | undefined;
  const start = async () => {
    // kafkajs restarts a crashed member by itself, unless the reader has stopped: a member that crashed
    // while it was leaving would otherwise rejoin, and keep the process alive
    const c = kafka.consumer({
      ...groupConsumerConfig(group),
      retry: { retries: 30, initialRetryTime: 100, maxRetryTime: o.retryMaxMs, restartOnFailure: async () => running },
    });
    c.on(c.events.GROUP_JOIN, () => void (joined = true));
    c.on(c.events.CRASH, ({ payload }) => {
      if (!running) return void c.disconnect().catch(() => {});
      crashes.push({ t_ms: at(), error: payload.error.message, restarted_by: payload.restart ? 'kafkajs' : 'reader' });
      if (!payload.restart) void replace(c);
    });
    current = c;
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachBatch: async ({ batch }) => {
        read += batch.messages.length;
        const last = batch.messages.at(-1);
        if (last)
          positions.set(batch.partition, Math.max(positions.get(batch.partition) ?? 0, Number(last.offset) + 1));
      },
    });
  };
  /** a new member in place of one kafkajs gave up on, tried until it runs or the reader stops */
  const replace = async (dead: Consumer) => {
    await dead.disconnect().catch(() => {});
    await waitFor(
      async () => {
        if (!running) return true;
        try {
          await start();
          return true;
        } catch {
          await current?.disconnect().catch(() => {});
          return false;
        }
      },
      { timeoutMs: 5 * 60_000, intervalMs: 1_000 },
    );
  };
  await start();
  await waitUntil(`consumer group ${group} to join`, () => joined, { timeoutMs: o.joinTimeoutMs ?? 30_000 });
  return {
    read: () => read,
    reached: (ends) => [...ends].every(([partition, end]) => (positions.get(partition) ?? 0) >= end),
    crashes,
    async stop() {
      running = false;
      await current?.disconnect().catch(() => {});
    },
  };
}
