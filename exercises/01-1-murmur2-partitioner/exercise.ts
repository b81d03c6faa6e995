// Exercise 01-1: Kafka's default partitioner, murmur2. Write the part marked TODO; check it with
//   bun run exercise check 01-1-murmur2-partitioner
import { todo } from '../../lib/exercises/missing.ts';

/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as a signed 32-bit int: the same
 * number the Java client computes for the same bytes. The Java source is in this exercise's README.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  // 'm' and 'r' are mixing constants generated offline (Kafka's comment: not magic, they just work well)
  const m = 0x5bd1e995;
  const r = 24;
  // TODO: port the body of Utils.murmur2: h = seed ^ length; mix every 4-byte block into h; mix the
  // 1–3 bytes left over; the final avalanche; return h as a signed 32-bit int (`h | 0`)
  return todo('murmur2 in exercises/01-1-murmur2-partitioner/exercise.ts');
}

/**
 * The partition Kafka's default partitioner sends a keyed record to: murmur2 of the key's UTF-8 bytes,
 * made non-negative by clearing the sign bit (Utils.toPositive, not Math.abs), modulo the partition count.
 */
export function partitionFor(key: string, partitions: number): number {
  return (murmur2(new TextEncoder().encode(key)) & 0x7fffffff) % partitions;
}
