// Exercise 07-1: exactly once, Kafka → Kafka. Write the part marked TODO; check it with
//   bun run exercise check 07-1-exactly-once-kafka
// The check runs this file as a real pipeline process (lib/guarantees/main.ts --protocol), kills it and
// restarts it: keep the function's name and signature.
import { todo } from '../../lib/exercises/missing.ts';
import type { Batch, ExactlyOnceKafkaEffects } from '../../lib/guarantees/protocols.ts';

/**
 * One batch of one input partition, already settled (`b.outputs`), must leave two effects: its outputs
 * in the output topic, and the group's committed offset of `b.topic[b.partition]` moved to `b.next`.
 * Exactly once: after any crash and restart, each input record has exactly one output, as a reader
 * with isolation read_committed sees the topic.
 *
 * What you are given (`fx`):
 * - `fx.producer`: a transactional producer, already initialised (it fenced older instances);
 * - `fx.send(to, b)`: sends the batch's outputs with `to`, the producer or one of its transactions;
 * - `fx.group`: the consumer group whose offsets are the input position;
 * - `fx.commit(b)`: commits the group's offset on its own, at once (consumer.commitOffsets);
 * - `fx.crash`: the lab's own fault injector; you need not call it (the check crashes this process
 *   from inside the effects, as soon as the first of the two is durable).
 *
 * Below is at least once, as lab 07 runs it: write, then commit the offset. A crash between the two
 * writes the batch again.
 */
export async function exactlyOnceKafka(b: Batch, fx: ExactlyOnceKafkaEffects): Promise<void> {
  await fx.send(fx.producer, b);
  await fx.commit(b);
  // TODO: make it exactly once: the outputs and the offset in one Kafka transaction, committed, or
  // aborted on any error (then rethrow). Replace the two lines above, and delete this todo().
  todo('exactlyOnceKafka: the outputs and the offset in one Kafka transaction');
}
