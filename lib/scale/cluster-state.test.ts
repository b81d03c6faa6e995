import { describe, expect, test } from 'bun:test';
import type { PartitionState } from '../stack/cluster.ts';
import { clusterState, fullyInSync, ledBy } from './cluster-state.ts';

const BROKERS = [1, 2, 3];
const ALL_UP = new Set(BROKERS);
const partition = (o: Partial<PartitionState> & { partition: number }): PartitionState => ({
  leader: 1,
  replicas: [1, 2, 3],
  isr: [1, 2, 3],
  ...o,
});
/** six partitions, leaders 1, 2, 3, 1, 2, 3, every replica in sync */
const healthy = () => [0, 1, 2, 3, 4, 5].map((n) => partition({ partition: n, leader: (n % 3) + 1 }));

describe('cluster state', () => {
  test('a healthy topic: nothing under-replicated, every partition writable, leaders spread', () => {
    expect(clusterState(healthy(), BROKERS, ALL_UP, 2)).toEqual({
      under_replicated: 0,
      under_min_isr: 0,
      leader_down: 0,
      unwritable: 0,
      leaders: [
        { broker: 1, partitions: 2 },
        { broker: 2, partitions: 2 },
        { broker: 3, partitions: 2 },
      ],
    });
  });

  describe('when a broker was killed and not yet fenced', () => {
    test('the metadata is unchanged, but no acks=all send can complete: every ISR holds the dead broker', () => {
      expect(clusterState(healthy(), BROKERS, new Set([1, 3]), 2)).toEqual({
        under_replicated: 0,
        under_min_isr: 0,
        leader_down: 2,
        unwritable: 6,
        leaders: [
          { broker: 1, partitions: 2 },
          { broker: 2, partitions: 2 },
          { broker: 3, partitions: 2 },
        ],
      });
    });
  });

  describe('when the controller has fenced it', () => {
    test('every partition is under-replicated, its partitions have new leaders, and all are writable', () => {
      const fenced = [0, 1, 2, 3, 4, 5].map((n) => partition({ partition: n, leader: n % 2 ? 1 : 3, isr: [1, 3] }));
      expect(clusterState(fenced, BROKERS, new Set([1, 3]), 2)).toEqual({
        under_replicated: 6,
        under_min_isr: 0,
        leader_down: 0,
        unwritable: 0,
        leaders: [
          { broker: 1, partitions: 3 },
          { broker: 2, partitions: 0 },
          { broker: 3, partitions: 3 },
        ],
      });
    });
  });

  test('a partition below min.insync.replicas, or without a leader, is unwritable', () => {
    const parts = [partition({ partition: 0, isr: [1] }), partition({ partition: 1, leader: -1, isr: [] })];
    expect(clusterState(parts, BROKERS, ALL_UP, 2)).toMatchObject({
      under_replicated: 2,
      under_min_isr: 2,
      leader_down: 1,
      unwritable: 2,
    });
  });

  test('fully in sync: every partition led, every replica in the ISR; and which partitions a broker leads', () => {
    const parts = healthy();
    expect({
      healthy: fullyInSync(parts),
      oneBehind: fullyInSync([...parts, partition({ partition: 6, isr: [1, 2] })]),
      none: fullyInSync([]),
      ledBy2: ledBy(parts, 2),
    }).toEqual({ healthy: true, oneBehind: false, none: false, ledBy2: [1, 4] });
  });
});
