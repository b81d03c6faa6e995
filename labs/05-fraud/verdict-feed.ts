// Follows the verdicts topic the way a downstream service would: the last record per key
// (transaction id) is the verdict. A retried publish shows up as a repeat of a key with the same
// verdict, and is counted, not double-counted.
import type { Consumer, Kafka } from 'kafkajs';
import { Verdict } from '../../lib/fraud/review/schemas.ts';

export class VerdictFeed {
  readonly latest = new Map<string, Verdict>();
  records = 0;
  repeats = 0;
  invalid = 0;

  constructor(private readonly onVerdict?: (v: Verdict, previous: Verdict | undefined) => void) {}

  accept(key: string | undefined, value: string | undefined): void {
    this.records++;
    const parsed = value === undefined ? undefined : Verdict.safeParse(parseJson(value));
    if (!parsed?.success || parsed.data.transaction_id !== key) {
      this.invalid++;
      return;
    }
    const v = parsed.data;
    const previous = this.latest.get(v.transaction_id);
    if (previous?.verdict === v.verdict && previous.decided_by === v.decided_by) {
      this.repeats++;
      return;
    }
    if (previous && previous.verdict !== 'hold' && v.verdict === 'hold') return; // a late repeat of the hold
    this.latest.set(v.transaction_id, v);
    this.onVerdict?.(v, previous);
  }
}

/** Subscribes `groupId` (positioned by the caller) to the topic and feeds every record in. */
export async function followVerdicts(
  kafka: Kafka,
  topic: string,
  groupId: string,
  feed: VerdictFeed,
): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic });
  await consumer.run({
    eachMessage: async ({ message }) => feed.accept(message.key?.toString(), message.value?.toString()),
  });
  return consumer;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
