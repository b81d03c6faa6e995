// Lab 07's input: seeded transactions, with a few bad records among them (malformed JSON, a negative
// amount) that every pipeline must reject to its output rather than drop, written to lab 07's own input
// topic. The audit does not trust this list: it reads back what the topic holds (read.ts).
import type { Kafka, Message } from 'kafkajs';
import { TransactionGenerator, type GeneratorOptions } from '../generator/index.ts';
import { createProducer } from '../kafka.ts';
import { seededRng } from '../random.ts';
import { PartitionCounts, deliverEach } from '../send.ts';

/** `n` records, `bad` of them bad, at seeded places; event times spread over the last minute. Pure. */
export function inputMessages(gen: GeneratorOptions, n: number, bad: number, nowMs: number): Message[] {
  const events = new TransactionGenerator(gen).backfill(n - bad, nowMs - 60_000, nowMs);
  const out: Message[] = events.map((s) => ({
    key: s.event.customer_id,
    value: JSON.stringify(s.event),
    timestamp: String(Math.floor(s.timeMs)),
  }));
  const rng = seededRng(gen.seed ^ 0xbad);
  for (let i = 0; i < bad; i++) {
    const at = Math.floor(rng() * (out.length + 1));
    const base = events[Math.floor(rng() * events.length)]!.event;
    const value =
      i % 2 === 0 ? `{"transaction_id":"${base.transaction_id}",` : JSON.stringify({ ...base, amount: -base.amount });
    out.splice(at, 0, { key: base.customer_id, value, timestamp: String(nowMs) });
  }
  return out;
}

/** Writes the input, one send() per partition, in chunks; throws if any record was not acknowledged. */
export async function produceInput(kafka: Kafka, topic: string, messages: readonly Message[]): Promise<void> {
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const counts = new PartitionCounts(kafka);
    for (let i = 0; i < messages.length; i += 2_000) {
      const outcomes = await deliverEach(producer, counts, topic, messages.slice(i, i + 2_000), (m) => m);
      const failed = outcomes.find((o) => o.error);
      if (failed?.error) throw new Error(`lab 07 input: ${topic}[${failed.partition}]: ${failed.error.message}`);
    }
  } finally {
    await producer.disconnect();
  }
}
