import { describe, expect, test } from 'bun:test';
import type { Scheduled } from '../generator/index.ts';
import { auditDeliveries, auditPhases, brokenPromises } from './delivery-audit.ts';

describe('delivery audit by transaction id', () => {
  test('every acknowledged record read back once: nothing missing, nothing doubled', () => {
    expect(auditDeliveries(['a', 'b', 'c'], new Set(['a', 'b', 'c']), ['c', 'a', 'b'])).toEqual({
      sent: 3,
      acked: 3,
      failed: 0,
      read: 3,
      acked_missing: 0,
      failed_present: 0,
      duplicates: 0,
      duplicated_records: 0,
      foreign: 0,
      examples: { acked_missing: [], duplicated: [], foreign: [] },
    });
  });

  describe('after a broker failure', () => {
    test('names an acknowledged record that is not on the topic, and counts a failed one that is', () => {
      const audit = auditDeliveries(['a', 'b', 'c', 'd'], new Set(['a', 'b']), ['a', 'c']);
      expect(audit).toMatchObject({
        sent: 4,
        acked: 2,
        failed: 2,
        read: 2,
        acked_missing: 1,
        failed_present: 1,
        examples: { acked_missing: ['b'], duplicated: [], foreign: [] },
      });
    });

    test('counts copies beyond the first, and records read that were never sent', () => {
      const audit = auditDeliveries(['a', 'b'], new Set(['a', 'b']), ['a', 'a', 'a', 'b', 'b', 'z']);
      expect(audit).toMatchObject({
        read: 6,
        duplicates: 3,
        duplicated_records: 2,
        foreign: 1,
        examples: { acked_missing: [], duplicated: ['a', 'b'], foreign: ['z'] },
      });
    });
  });
});

describe('the promises of acks=all', () => {
  const kept = auditDeliveries(['a', 'b', 'c'], new Set(['a', 'b']), ['a', 'b', 'b', 'c']);

  test('are kept when nothing acknowledged is missing and every other record was reported failed', () => {
    expect(brokenPromises(kept, { acked: 2, failed: 1 })).toEqual([]);
  });

  test('are broken by a lost record, a failure never reported, or a label lost', () => {
    const lost = auditDeliveries(['a', 'b', 'c'], new Set(['a', 'b']), ['a']);
    expect(brokenPromises(lost, { acked: 2, failed: 0 }, lost)).toEqual([
      '1 acknowledged records are not on the topic (e.g. b)',
      '1 records were not acknowledged, but 0 were reported failed',
      '1 acknowledged labels are not on the labels topic (e.g. b)',
    ]);
  });
});

describe('an audit by phase', () => {
  /** an event due at `timeMs` */
  const due = (id: string, timeMs: number) => ({ timeMs, event: { transaction_id: id } }) as unknown as Scheduled;
  const sent = [due('a', 10), due('b', 20), due('c', 30), due('d', 40)];

  test('splits the records by due time, and counts each read-back copy in its own phase', () => {
    const { whole, phases } = auditPhases(sent, [sent[0]!, sent[1]!, sent[3]!], ['a', 'b', 'b', 'd'], [25]);
    expect({
      whole: [whole.sent, whole.acked, whole.failed, whole.duplicates],
      phases: phases.map((p) => ({
        sent: p.sent,
        acked: p.acked,
        failed: p.failed,
        read: p.read,
        duplicates: p.duplicates,
      })),
    }).toEqual({
      whole: [4, 3, 1, 1],
      phases: [
        { sent: 2, acked: 2, failed: 0, read: 3, duplicates: 1 },
        { sent: 2, acked: 1, failed: 1, read: 1, duplicates: 0 },
      ],
    });
  });
});
