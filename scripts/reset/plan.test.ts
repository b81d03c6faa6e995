import { describe, expect, test } from 'bun:test';
import { loadConfig } from '../../lib/config.ts';
import { resetPlan } from './plan.ts';

const existing = {
  topics: [
    'transactions',
    'transactions.dlq',
    'guarantees.input',
    'guarantees.output.exactly-once',
    'payments', // someone else's
    't_lab03_3f9a1c2e.transactions',
    't_lab03_notatest.transactions',
    '__consumer_offsets',
  ],
  groups: [
    'txlab-sink',
    'txlab-sink.run-20261129',
    'txlab-guarantees.exactly-once.kafka.try1',
    'guarantees.output.audit-1a2b3c4d',
    'fraud',
    'fraudsters', // not ours: only a prefix of the name
    'payments-app',
    't_bench_sink_0123abcd.txlab-sink',
  ],
  databases: [
    'txlab',
    'txlab_lab04',
    'txlab_t_lab03_3f9a1c2e',
    'mysql',
    'information_schema',
    'shop',
    'shop_lab04',
    'xtxlab_lab04',
    'txlab_lab4',
  ],
};

describe('reset plan', () => {
  const c = loadConfig({ TXLAB_PREFIX: undefined });

  test("deletes the labs' own names in the default namespace and nothing else", () => {
    expect(resetPlan(c, existing, { leftovers: false })).toEqual({
      topics: ['guarantees.input', 'guarantees.output.exactly-once', 'transactions', 'transactions.dlq'],
      groups: [
        'fraud',
        'guarantees.output.audit-1a2b3c4d',
        'txlab-guarantees.exactly-once.kafka.try1',
        'txlab-sink',
        'txlab-sink.run-20261129',
      ],
      databases: ['txlab', 'txlab_lab04'],
    });
  });

  test('with leftovers, also the namespaces killed tests left, recognised by their exact shape', () => {
    const plan = resetPlan(c, existing, { leftovers: true });
    expect(plan.topics).toContain('t_lab03_3f9a1c2e.transactions');
    expect(plan.topics).not.toContain('t_lab03_notatest.transactions');
    expect(plan.groups).toContain('t_bench_sink_0123abcd.txlab-sink');
    expect(plan.databases).toEqual(['txlab', 'txlab_lab04', 'txlab_t_lab03_3f9a1c2e']);
    expect(plan.topics).not.toContain('payments');
    expect(plan.groups).not.toContain('fraudsters');
  });

  test('in a namespace of its own, only that namespace', () => {
    const mine = loadConfig({ TXLAB_PREFIX: 'alice' });
    const plan = resetPlan(
      mine,
      {
        topics: ['alice.transactions', 'transactions'],
        groups: ['alice.txlab-sink', 'txlab-sink'],
        databases: ['txlab', 'txlab_alice'],
      },
      { leftovers: false },
    );
    expect(plan).toEqual({ topics: ['alice.transactions'], groups: ['alice.txlab-sink'], databases: ['txlab_alice'] });
  });
});
