// The exact audit of a producer run by transaction id: what was sent, what Kafka acknowledged, and what
// a reader found on the topic afterwards. An acknowledged record that is not on the topic is lost (acks=all
// promises it never is); a record not acknowledged was reported failed, and may still be there (the broker
// wrote it, the answer never came back); a record read twice is a duplicate (an idempotent producer should
// make none); a record read that was never sent is foreign. Pure.
import type { Scheduled } from '../generator/index.ts';

export type DeliveryAudit = {
  sent: number;
  acked: number;
  /** sent and not acknowledged */
  failed: number;
  /** records on the topic, copies included */
  read: number;
  /** acknowledged, and not on the topic: lost (must be 0) */
  acked_missing: number;
  /** not acknowledged, yet on the topic: allowed for a send reported failed */
  failed_present: number;
  /** copies beyond the first */
  duplicates: number;
  /** records with more than one copy */
  duplicated_records: number;
  /** on the topic, never sent by this run (must be 0) */
  foreign: number;
  /** a few ids of each */
  examples: { acked_missing: string[]; duplicated: string[]; foreign: string[] };
};

const EXAMPLES = 5;

export function auditDeliveries(
  sent: readonly string[],
  acked: ReadonlySet<string>,
  read: readonly string[],
): DeliveryAudit {
  const copies = new Map<string, number>();
  for (const id of read) copies.set(id, (copies.get(id) ?? 0) + 1);
  const sentSet = new Set(sent);
  const missing: string[] = [];
  const duplicated: string[] = [];
  let ackedCount = 0;
  let failedPresent = 0;
  let duplicates = 0;
  for (const id of sentSet) {
    const n = copies.get(id) ?? 0;
    if (acked.has(id)) {
      ackedCount++;
      if (n === 0) missing.push(id);
    } else if (n > 0) failedPresent++;
    if (n > 1) {
      duplicated.push(id);
      duplicates += n - 1;
    }
  }
  const foreign = [...copies.keys()].filter((id) => !sentSet.has(id));
  return {
    sent: sentSet.size,
    acked: ackedCount,
    failed: sentSet.size - ackedCount,
    read: read.length,
    acked_missing: missing.length,
    failed_present: failedPresent,
    duplicates,
    duplicated_records: duplicated.length,
    foreign: foreign.length,
    examples: {
      acked_missing: missing.slice(0, EXAMPLES),
      duplicated: duplicated.slice(0, EXAMPLES),
      foreign: foreign.slice(0, EXAMPLES),
    },
  };
}

/**
 * The audit of a run of `sent` events, of which Kafka acknowledged `delivered`, against the ids `read`
 * back: whole, and by due time in phases that start at each of `splits` (on the events' clock): the
 * first phase before splits[0], the last from the last split on.
 */
export function auditPhases(
  sent: readonly Scheduled[],
  delivered: readonly Scheduled[],
  read: readonly string[],
  splits: readonly number[],
): { whole: DeliveryAudit; phases: DeliveryAudit[] } {
  const id = (s: Scheduled) => s.event.transaction_id;
  const acked = new Set(delivered.map(id));
  const bounds = [Number.NEGATIVE_INFINITY, ...splits, Number.POSITIVE_INFINITY];
  const phases = bounds.slice(1).map((to, i) => {
    const due = sent.filter((s) => s.timeMs >= bounds[i]! && s.timeMs < to).map(id);
    const mine = new Set(due);
    return auditDeliveries(
      due,
      acked,
      read.filter((x) => mine.has(x)),
    );
  });
  return { whole: auditDeliveries(sent.map(id), acked, read), phases };
}

/**
 * What acks=all promises, against the audit of a run: one line per broken promise, with the numbers
 * (empty: kept). `failedReported` is what the delivery reports counted failed, `ackedReported` acked.
 */
export function brokenPromises(
  a: DeliveryAudit,
  reported: { acked: number; failed: number },
  labels?: DeliveryAudit,
): string[] {
  const out: string[] = [];
  if (a.acked_missing > 0)
    out.push(
      `${a.acked_missing} acknowledged records are not on the topic (e.g. ${a.examples.acked_missing.join(', ')})`,
    );
  if (a.failed !== reported.failed)
    out.push(`${a.failed} records were not acknowledged, but ${reported.failed} were reported failed`);
  if (a.acked !== reported.acked)
    out.push(`${a.acked} records were acknowledged, but the delivery reports counted ${reported.acked}`);
  if (a.foreign > 0)
    out.push(`${a.foreign} records on the topic were never sent (e.g. ${a.examples.foreign.join(', ')})`);
  if (labels && labels.acked_missing > 0)
    out.push(
      `${labels.acked_missing} acknowledged labels are not on the labels topic (e.g. ${labels.examples.acked_missing.join(', ')})`,
    );
  return out;
}
