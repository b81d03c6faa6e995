// Three things about Kafka transactions a learner should watch happen, measured on the real broker:
//   fencing:  a second producer with the same transactional id fences the first, but with kafkajs only
//             at its first transaction(), not at connect();
//   stall:    a transaction left open (its producer gone) hides everything after it in the partition
//             from read_committed readers until the broker aborts it: the transaction timeout plus up
//             to its cleanup interval (10 s by default); read_uncommitted readers see on;
//   rate:     commits per second of one transactional producer against retry.initialRetryTime.
// Each uses its own topic of one partition (`demoTopic`), so a stall here blocks nothing else.
import type { Kafka, KafkaMessage } from 'kafkajs';
import { createProducer } from '../kafka.ts';
import { sleep } from '../wait.ts';
import { createTransactionalProducer, initTransactions } from './transactional.ts';

export type Fencing = {
  /** A's commit after B only connected */
  afterConnect: { committed: boolean; error: string | null };
  /** A's commit after B's first transaction() */
  afterInit: { committed: boolean; error: string | null };
  /** the values a read_committed reader finds afterwards */
  visible: string[];
};

const errorType = (e: unknown) => {
  const x = e as { type?: string; message?: string; cause?: { type?: string } };
  return x.type ?? x.cause?.type ?? x.message ?? String(e);
};

async function tryCommit(f: () => Promise<void>) {
  try {
    await f();
    return { committed: true, error: null };
  } catch (e) {
    return { committed: false, error: errorType(e) };
  }
}

export async function demonstrateFencing(kafka: Kafka, topic: string, transactionalId: string): Promise<Fencing> {
  const a = createTransactionalProducer(kafka, transactionalId, { initialRetryTime: 100 });
  const b = createTransactionalProducer(kafka, transactionalId, { initialRetryTime: 100 });
  const tag = crypto.randomUUID().slice(0, 8);
  const send = (t: { send: typeof a.send }, v: string) => t.send({ topic, messages: [{ key: tag, value: v }] });
  const from = await highWatermark(kafka, topic);
  await a.connect();
  try {
    await initTransactions(a);
    const t1 = await a.transaction();
    await send(t1, `${tag}:a1`);
    await b.connect();
    const afterConnect = await tryCommit(() => t1.commit());
    const t2 = await a.transaction();
    await send(t2, `${tag}:a2`);
    await initTransactions(b); // fences A, aborts its open transaction
    const afterInit = await tryCommit(async () => {
      await send(t2, `${tag}:a3`);
      await t2.commit();
    });
    const t3 = await b.transaction();
    await send(t3, `${tag}:b1`);
    await t3.commit();
    const visible = (await readFrom(kafka, topic, from, { readUncommitted: false, untilValue: `${tag}:b1` }))
      .map((m) => String(m.value))
      .filter((v) => v.startsWith(tag));
    return { afterConnect, afterInit, visible };
  } finally {
    await a.disconnect().catch(() => {});
    await b.disconnect().catch(() => {});
  }
}

export type Stall = {
  timeoutMs: number;
  /** when each record written after the open transaction was sent, and first seen by each reader (ms from the abandonment) */
  samples: { sentMs: number; committedSeenMs: number | null; uncommittedSeenMs: number | null }[];
  /** how long the first record after the abandoned transaction stayed hidden from read_committed readers */
  stallMs: number;
  uncommittedMs: number;
};

/** Abandons an open transaction (its producer disconnects without ending it) and times what readers see. */
export async function measureStall(
  kafka: Kafka,
  topic: string,
  transactionalId: string,
  o: { timeoutMs: number; everyMs?: number; maxMs?: number },
): Promise<Stall> {
  const from = await highWatermark(kafka, topic);
  const tx = createTransactionalProducer(kafka, transactionalId, { timeoutMs: o.timeoutMs });
  const plain = createProducer(kafka);
  await Promise.all([tx.connect(), plain.connect()]);
  const tag = crypto.randomUUID().slice(0, 8);
  await initTransactions(tx);
  const open = await tx.transaction();
  await open.send({ topic, messages: [{ key: tag, value: `${tag}:open` }] });
  await tx.disconnect(); // abandoned: neither committed nor aborted, as after a crash
  const t0 = performance.now();
  const sent: number[] = [];
  const seen = { committed: new Map<number, number>(), uncommitted: new Map<number, number>() };
  const ac = new AbortController();
  const watch = (readUncommitted: boolean, into: Map<number, number>) =>
    readFrom(kafka, topic, from, {
      readUncommitted,
      signal: ac.signal,
      each: (m) => {
        const v = String(m.value);
        if (!v.startsWith(`${tag}:after-`)) return;
        const i = Number(v.slice(`${tag}:after-`.length));
        if (!into.has(i)) into.set(i, performance.now() - t0);
      },
    });
  const readers = [watch(false, seen.committed), watch(true, seen.uncommitted)];
  const maxMs = o.maxMs ?? o.timeoutMs + 30_000;
  try {
    for (let i = 0; performance.now() - t0 < maxMs; i++) {
      // two seconds more once the committed reader sees the first record, for the timeline's tail
      const unblocked = seen.committed.get(0);
      if (unblocked !== undefined && performance.now() - t0 > unblocked + 2_000) break;
      sent.push(performance.now() - t0);
      await plain.send({ topic, messages: [{ key: tag, value: `${tag}:after-${i}` }] });
      await sleep(o.everyMs ?? 500);
    }
    await sleep(1_000);
  } finally {
    ac.abort();
    await Promise.allSettled(readers);
    await plain.disconnect().catch(() => {});
  }
  const samples = sent.map((sentMs, i) => ({
    sentMs: Math.round(sentMs),
    committedSeenMs: round(seen.committed.get(i)),
    uncommittedSeenMs: round(seen.uncommitted.get(i)),
  }));
  const first = samples[0];
  if (!first || first.committedSeenMs === null)
    throw new Error(
      `stall: a read_committed reader saw nothing after ${maxMs} ms (transaction timeout ${o.timeoutMs} ms)`,
    );
  return {
    timeoutMs: o.timeoutMs,
    samples,
    stallMs: first.committedSeenMs - first.sentMs,
    uncommittedMs: (first.uncommittedSeenMs ?? Number.NaN) - first.sentMs,
  };
}

const round = (x: number | undefined) => (x === undefined ? null : Math.round(x));

export type TransactionRate = { initialRetryTimeMs: number; transactions: number; perS: number };

/** Commits one-record transactions back to back for `durationMs` with a given retry backoff. */
export async function transactionRate(
  kafka: Kafka,
  topic: string,
  transactionalId: string,
  initialRetryTime: number,
  durationMs: number,
): Promise<TransactionRate> {
  const p = createTransactionalProducer(kafka, transactionalId, { initialRetryTime });
  await p.connect();
  try {
    await initTransactions(p);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < durationMs) {
      const t = await p.transaction();
      await t.send({ topic, messages: [{ value: String(n) }] });
      await t.commit();
      n++;
    }
    const s = (performance.now() - t0) / 1000;
    return { initialRetryTimeMs: initialRetryTime, transactions: n, perS: n / s };
  } finally {
    await p.disconnect().catch(() => {});
  }
}

async function highWatermark(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return Number(offsets.find((o) => o.partition === 0)?.high ?? 0);
  } finally {
    await admin.disconnect();
  }
}

/** Reads partition 0 of `topic` from `offset`, until `untilValue` is seen or the signal aborts. */
async function readFrom(
  kafka: Kafka,
  topic: string,
  offset: number,
  o: {
    readUncommitted: boolean;
    untilValue?: string;
    signal?: AbortSignal;
    each?: (m: KafkaMessage) => void;
    timeoutMs?: number;
  },
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({
    groupId: `${topic}.reader-${crypto.randomUUID().slice(0, 8)}`,
    readUncommitted: o.readUncommitted,
    maxWaitTimeInMs: 50,
  });
  const out: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reading ${topic}: ${o.untilValue} not seen`)),
        o.timeoutMs ?? 60_000,
      );
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      o.signal?.addEventListener('abort', done, { once: true });
      consumer.on(consumer.events.GROUP_JOIN, () => consumer.seek({ topic, partition: 0, offset: String(offset) }));
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (Number(message.offset) < offset) return;
            out.push(message);
            o.each?.(message);
            if (o.untilValue !== undefined && String(message.value) === o.untilValue) done();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => {});
  }
  return out;
}
