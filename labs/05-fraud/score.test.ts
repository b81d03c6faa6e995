import { describe, expect, test } from 'bun:test';
import { type ScoredEvent, outcomeOf, score } from './score.ts';

const ev = (id: string, over: Partial<ScoredEvent> = {}): ScoredEvent => ({
  transaction_id: id,
  pattern: null,
  instance: null,
  primary_rule: null,
  verdict: null,
  rules: over.primary_rule ? [over.primary_rule] : [],
  ...over,
});
const declined = { verdict: 'decline', decided_by: 'rules' } as const;

describe('scoring against ground truth', () => {
  // a velocity burst of 5 (the last two declined), an honest event wrongly declined for velocity, an
  // outlier approved, and 3 honest events nobody looked at
  const events: ScoredEvent[] = [
    ...[1, 2, 3].map((i) => ev(`b${i}`, { pattern: 'velocity_burst', instance: 'velocity_burst-1' })),
    ...[4, 5].map((i) =>
      ev(`b${i}`, {
        pattern: 'velocity_burst',
        instance: 'velocity_burst-1',
        primary_rule: 'velocity',
        verdict: declined,
      }),
    ),
    ev('h1', { primary_rule: 'velocity', verdict: { verdict: 'decline', decided_by: 'timeout' } }),
    ev('o1', {
      pattern: 'amount_outlier',
      instance: 'amount_outlier-2',
      primary_rule: 'amount_outlier',
      verdict: { verdict: 'approve', decided_by: 'analyst' },
    }),
    ev('h2'),
    ev('h3'),
    ev('h4'),
  ];
  const s = score(events);

  test('per pattern: recall over events and over attacks, precision over attributed declines', () => {
    expect(s.patterns.find((p) => p.pattern === 'velocity_burst')).toEqual({
      pattern: 'velocity_burst',
      labeled: 5,
      reviewed: 2,
      declined: 2,
      instances: 1,
      instances_stopped: 1,
      attributed: 3,
      attributed_correct: 2,
      precision: 2 / 3,
      recall: 2 / 5,
      instance_recall: 1,
    });
    expect(s.patterns.find((p) => p.pattern === 'amount_outlier')).toMatchObject({
      labeled: 1,
      reviewed: 1,
      declined: 0,
      precision: null,
      recall: 0,
      instance_recall: 0,
    });
    expect(s.patterns.find((p) => p.pattern === 'impossible_travel')).toMatchObject({
      labeled: 0,
      recall: null,
      precision: null,
    });
  });

  test('overall: every pattern counts as fraud', () => {
    expect(s.overall).toEqual({
      events: 10,
      labeled: 6,
      reviewed: 4,
      declined: 3,
      true_declines: 2,
      precision: 2 / 3,
      recall: 2 / 6,
    });
  });

  test('per rule: how often it fired, on fraud, on the pattern it was written for; precision and recall', () => {
    expect(s.rules.find((r) => r.rule === 'velocity')).toEqual({
      rule: 'velocity',
      fired: 3,
      on_fraud: 2,
      on_own_pattern: 2,
      precision: 2 / 3,
      recall: 2 / 5,
    });
    expect(s.rules.find((r) => r.rule === 'new_device')).toEqual({
      rule: 'new_device',
      fired: 0,
      on_fraud: 0,
      on_own_pattern: 0,
      precision: null,
      recall: null,
    });
  });

  test('per rule: an event of another pattern counts for precision, not for recall', () => {
    const fired = (id: string, pattern: ScoredEvent['pattern']) =>
      ev(id, { pattern, instance: pattern && `${pattern}-${id}`, rules: ['amount_outlier'] });
    const r = score([
      fired('a', 'amount_outlier'),
      fired('b', 'high_value_streak'),
      fired('c', null),
      ev('d', { pattern: 'amount_outlier' }),
    ]);
    expect(r.rules.find((x) => x.rule === 'amount_outlier')).toEqual({
      rule: 'amount_outlier',
      fired: 3,
      on_fraud: 2,
      on_own_pattern: 1,
      precision: 2 / 3,
      recall: 1 / 2,
    });
  });

  describe('when holds time out', () => {
    // a burst of 4: one declined by the rules, two by hold timeouts, one by an analyst; an honest event
    // declined on timeout
    const burst = (i: number, decided_by: 'rules' | 'timeout' | 'analyst') =>
      ev(`t${i}`, {
        pattern: 'velocity_burst',
        instance: 'velocity_burst-9',
        primary_rule: 'velocity',
        verdict: { verdict: 'decline', decided_by },
      });
    const t = score([
      burst(1, 'rules'),
      burst(2, 'timeout'),
      burst(3, 'timeout'),
      burst(4, 'analyst'),
      ev('h', { primary_rule: 'velocity', verdict: { verdict: 'decline', decided_by: 'timeout' } }),
    ]);

    test('counts the declines by who decided them, and the fraud among them', () => {
      expect(t.declines.by).toEqual({
        rules: { declined: 1, fraud: 1 },
        analyst: { declined: 1, fraud: 1 },
        timeout: { declined: 3, fraud: 2 },
      });
    });

    test('recall without timeouts leaves out the fraud only a timeout declined', () => {
      expect({ recall: t.overall.recall, without: t.declines.recall_without_timeouts }).toEqual({
        recall: 4 / 4,
        without: 2 / 4,
      });
    });
  });

  test('the confusion matrix counts every event once', () => {
    expect(s.confusion.reduce((n, c) => n + c.count, 0)).toBe(10);
    expect(s.confusion).toContainEqual({ truth: 'none', outcome: 'declined_on_timeout', count: 1 });
    expect(s.confusion).toContainEqual({ truth: 'amount_outlier', outcome: 'approved_by_analyst', count: 1 });
  });

  test('a review still holding, or not finished, is pending', () => {
    expect(outcomeOf(ev('x', { primary_rule: 'velocity' }))).toBe('pending');
    expect(outcomeOf(ev('x', { primary_rule: 'velocity', verdict: { verdict: 'hold', decided_by: 'rules' } }))).toBe(
      'pending',
    );
  });
});
