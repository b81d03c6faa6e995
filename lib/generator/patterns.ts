// Whether the fraud on a stream is whole: every labeled pattern with all its events, as the generator
// draws them (README, lab 02's table). A label on a pattern that was cut short (a run that ended, a send
// that failed) claims fraud that never happened in that form; this finds them. Pure: it reads events
// and their labels, as a consumer of both topics would.
import { SHAPES } from './fraud.ts';
import type { FraudPattern, LabeledTransaction } from './types.ts';

export type BrokenPattern = { instance: string; pattern: FraudPattern; labeled: number; why: string };

/** Times are read from the events (milliseconds on the wire), so gaps are checked to within 1 ms. */
const SLACK_MS = 1;

const timeOf = (t: LabeledTransaction) => Date.parse(t.event.timestamp);

/** The labeled patterns in `stream` that are not whole, each with the reason; `total` counts them all. */
export function checkPatterns(stream: readonly LabeledTransaction[]): { total: number; broken: BrokenPattern[] } {
  const instances = Map.groupBy(
    stream.filter((t) => t.label),
    (t) => t.label!.instance,
  );
  const unlabeled = Map.groupBy(
    stream.filter((t) => !t.label),
    (t) => t.event.customer_id,
  );
  const broken: BrokenPattern[] = [];
  for (const [instance, members] of instances) {
    members.sort((a, b) => timeOf(a) - timeOf(b));
    const pattern = members[0]!.label!.pattern;
    const why = whyBroken(pattern, members, (customer) => unlabeled.get(customer) ?? []);
    if (why) broken.push({ instance, pattern, labeled: members.length, why });
  }
  return { total: instances.size, broken };
}

/** Null when the labeled `members` (in time order) and the customer's unlabeled events make a whole pattern. */
function whyBroken(
  pattern: FraudPattern,
  members: readonly LabeledTransaction[],
  unlabeledOf: (customer: string) => readonly LabeledTransaction[],
): string | null {
  const { events, gapMs, labeled } = SHAPES[pattern];
  const apart = `${gapMs[0] / 1000}–${gapMs[1] / 1000} s apart`;
  const gapOk = (ms: number) => ms >= gapMs[0] - SLACK_MS && ms <= gapMs[1] + SLACK_MS;
  let size = 0;
  for (let n = events[0]; n <= events[1]; n++) if (labeled(n) === members.length) size = n;
  if (!size)
    return `${members.length} labeled events; a whole ${pattern} has ${labeled(events[0])}–${labeled(events[1])}`;
  const customer = members[0]!.event.customer_id;
  if (members.some((m) => m.event.customer_id !== customer)) return 'events of more than one customer';
  if (members.slice(1).some((m, i) => !gapOk(timeOf(m) - timeOf(members[i]!)))) return `labeled events not ${apart}`;
  // impossible travel opens with an unlabeled purchase at home
  const first = timeOf(members[0]!);
  if (size > members.length && !unlabeledOf(customer).some((t) => gapOk(first - timeOf(t)))) {
    return `no unlabeled event of ${customer} ${apart} before its first labeled one`;
  }
  return null;
}
