// Publishes verdicts to the verdicts topic keyed by transaction_id. The producer is idempotent, which
// stops duplicates from its own retries; an activity that is retried after it already published
// (its worker died before reporting success) publishes again, so readers keep the last record per key
// (latestPerKey) — the topic could also be compacted. It sends through lib/send.ts like every producer
// here: one verdict is one partition today, and a batch of them later stays immune to kafkajs losing
// acknowledged records of a send() that spans partitions.
import type { Producer } from 'kafkajs';
import { type PartitionCounts, sendPerPartition } from '../../send.ts';
import type { Verdict } from './schemas.ts';

export interface VerdictPublisher {
  publish(v: Verdict): Promise<void>;
}

export function kafkaVerdictPublisher(producer: Producer, counts: PartitionCounts, topic: string): VerdictPublisher {
  return {
    async publish(v) {
      await sendPerPartition(producer, counts, {
        topic,
        acks: -1,
        messages: [
          {
            key: v.transaction_id,
            value: JSON.stringify(v),
            headers: { verdict: v.verdict, decided_by: v.decided_by },
          },
        ],
      });
    },
  };
}
