// Reference solution of exercise 01-1 (read it after trying: `bun run exercise solution 01-1-murmur2-partitioner`).
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  // Java's int arithmetic wraps at 32 bits: Math.imul multiplies like it, `>>>` shifts in zeros like
  // Java's `>>>`, and `^`, `<<`, `|` already work on signed 32-bit ints in JavaScript
  let h = seed ^ length;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! + (data[i4 + 1]! << 8) + (data[i4 + 2]! << 16) + (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  // the Java switch falls through: 3 bytes left mix all three, 2 mix two, 1 mixes one
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionFor(key: string, partitions: number): number {
  return (murmur2(new TextEncoder().encode(key)) & 0x7fffffff) % partitions;
}
