// Which partition of __consumer_offsets holds a consumer group: Kafka hashes the group id with Java's
// String.hashCode and takes it modulo the topic's partition count (the group coordinator's
// `Utils.abs(groupId.hashCode()) % numPartitions`). The stack's readiness check uses it to ask the coordinator
// about one group on every partition, so it knows every partition has loaded.

/** Java's String.hashCode: s[0]·31^(n−1) + … + s[n−1] in 32-bit two's complement, over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: the absolute value, with Integer.MIN_VALUE (which has none) mapped to 0. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

/** The __consumer_offsets partition that holds `groupId`, of `partitions`. */
export function groupPartition(groupId: string, partitions: number): number {
  return kafkaAbs(javaStringHash(groupId)) % partitions;
}

/** One group id per partition of __consumer_offsets, `ids[p]` held by partition p (none of them need exist). */
export function groupIdsCovering(partitions: number, prefix = 'txlab-ready-'): string[] {
  if (!Number.isInteger(partitions) || partitions < 1)
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  const ids: (string | undefined)[] = new Array(partitions).fill(undefined);
  let left = partitions;
  for (let k = 0; left > 0; k++) {
    const id = `${prefix}${k}`;
    const p = groupPartition(id, partitions);
    if (ids[p] === undefined) {
      ids[p] = id;
      left--;
    }
  }
  return ids as string[];
}
