// Every final window of the measured period against the ground truth: lib/windows/expected.ts computes
// it the slow, obvious way from what each partition of the topic holds, in offset order. The windows
// the late topic says were closed without an event (emitted while its partition was left out as idle:
// a wall-clock decision) are taken out of the ground truth for that event, as its late records say
// (after a crash, the replay decides again and says so again): the idle timeout chose to close
// them without it, and said so. Everything else must agree to the unit.
import type { Transaction } from '../../lib/schema.ts';
import { AGGREGATE_FIELDS } from '../../lib/windows/aggregate.ts';
import { describeSpec } from '../../lib/windows/assign.ts';
import { expectedWindows } from '../../lib/windows/expected.ts';
import type { View } from '../../lib/windows/operator.ts';
import type { StoredResult } from '../../lib/windows/store.ts';
import type { ViewCheck } from '../../lib/results/lab06.ts';

export type CheckInput = {
  views: readonly View[];
  perPartition: Map<number, Transaction[]>;
  /** `${view}|${transaction_id}|${window start}` of every window the late topic says closed without the event */
  closedLate: ReadonlySet<string>;
  stored: readonly StoredResult[];
  boundMs: number;
  latenessMs: number;
  /** windows that end at or before this are checked */
  endMs: number;
  /** the start of the stream: examples name windows in seconds from it */
  t0: number;
};

export function checkViews(i: CheckInput): { checks: ViewCheck[]; expectedLate: number } {
  let expectedLate = 0;
  const checks = i.views.map((view) => {
    const truth = expectedWindows(i.perPartition, {
      spec: view.spec,
      key: view.key,
      boundMs: i.boundMs,
      latenessMs: i.latenessMs,
      exclude: (e, w) => i.closedLate.has(`${view.name}|${e.transaction_id}|${w.start}`),
    });
    // late by the watermark alone: an event the idle timeout closed windows without is counted as 'closed'
    const closedIds = new Set([...i.closedLate].map((k) => k.split('|').slice(0, 2).join('|')));
    expectedLate += truth.late.filter(
      (l) => l.eventMs < i.endMs && !closedIds.has(`${view.name}|${l.transaction_id}`),
    ).length;
    const expected = new Map(
      [...truth.windows.values()].filter((w) => w.window.end <= i.endMs).map((w) => [`${w.window.start}|${w.key}`, w]),
    );
    const stored = new Map(
      i.stored.filter((r) => r.view === view.name && r.end <= i.endMs).map((r) => [`${r.start}|${r.key}`, r]),
    );
    const examples: string[] = [];
    const at = (id: string) => {
      const [start, key] = id.split('|');
      return `[${(Number(start) - i.t0) / 1000} s) ${key}`;
    };
    let matched = 0;
    let differ = 0;
    for (const [id, w] of expected) {
      const s = stored.get(id);
      if (!s) {
        if (examples.length < 5)
          examples.push(`${view.name} ${at(id)}: expected ${w.aggregate.count} events, nothing stored`);
        continue;
      }
      const wrong = AGGREGATE_FIELDS.filter((f) => s[f] !== w.aggregate[f]);
      if (wrong.length === 0) matched++;
      else {
        differ++;
        if (examples.length < 5)
          examples.push(
            `${view.name} ${at(id)}: ${wrong.map((f) => `${f} ${s[f]} (expected ${w.aggregate[f]})`).join(', ')}`,
          );
      }
    }
    const missing = [...expected.keys()].filter((id) => !stored.has(id)).length;
    const extra = [...stored.keys()].filter((id) => !expected.has(id));
    for (const id of extra.slice(0, Math.max(0, 5 - examples.length)))
      examples.push(`${view.name} ${at(id)}: stored, not expected`);
    return {
      view: view.name,
      spec: describeSpec(view.spec),
      expected: expected.size,
      matched,
      differ,
      missing,
      extra: extra.length,
      examples,
    };
  });
  return { checks, expectedLate };
}
