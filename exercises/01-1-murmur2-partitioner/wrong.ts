// A plausible wrong answer to exercise 01-1 (the tests check that its check fails on it): the
// reference solution with `*` instead of Math.imul. JavaScript multiplies in doubles: the product of two
// 32-bit ints loses its low bits past 2^53 before `^` wraps it, so the hash differs from Java's.
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  // (wrong) `*` as in Java, trusting `^` and `|` to wrap the result to 32 bits afterwards
  let h = seed ^ length;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! + (data[i4 + 1]! << 8) + (data[i4 + 2]! << 16) + (data[i4 + 3]! << 24);
    k = k * m;
    k ^= k >>> r;
    k = k * m;
    h = h * m;
    h ^= k;
  }
  // the Java switch falls through: 3 bytes left mix all three, 2 mix two, 1 mixes one
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = h * m;
  }
  h ^= h >>> 13;
  h = h * m;
  h ^= h >>> 15;
  return h | 0;
}

export function partitionFor(key: string, partitions: number): number {
  return (murmur2(new TextEncoder().encode(key)) & 0x7fffffff) % partitions;
}
