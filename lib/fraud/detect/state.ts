// Per-customer rule state, bounded two ways: each customer keeps a ring of its last events and a
// small set of recent devices; the map of customers evicts the least recently seen beyond a maximum
// and any customer idle (in event time) for longer than `idleMs`.
//
// Keyed by customer_id. Kafka keys transactions by customer_id, so one customer's events are on one
// partition and reach exactly one consumer of the group, in order: each consumer's state is correct
// for the customers it owns. On a rebalance a partition moves to another consumer, which starts those
// customers cold (rules that need a history stay quiet until it rebuilds); the old owner drops them
// (`keepPartitions`) so no stale state is left behind if the partition comes back later.
import { median } from '../../percentiles.ts';
import { Ring } from './ring.ts';
import type { CustomerView, RuleHit, Seen } from './rules/types.ts';

export const RECENT_EVENTS = 32;
export const KNOWN_DEVICES = 8;

export type StateLimits = { maxCustomers: number; idleMs: number };

export class CustomerState implements CustomerView {
  count = 0;
  lastSeenMs = Number.NEGATIVE_INFINITY;
  private readonly events: Ring<Seen>;
  private readonly devices = new Map<string, true>();
  /** what the rules said about each event still in the ring: a redelivered event gets the same answer */
  private readonly hitsById = new Map<string, RuleHit[]>();
  private cachedMedian: number | undefined;
  private medianValid = false;

  constructor(
    readonly partition: number,
    capacity = RECENT_EVENTS,
  ) {
    this.events = new Ring(capacity);
  }

  recent(): readonly Seen[] {
    return this.events.toArray();
  }

  median(): number | undefined {
    if (!this.medianValid) {
      this.cachedMedian = median(this.events.toArray().map((e) => e.amount));
      this.medianValid = true;
    }
    return this.cachedMedian;
  }

  knowsDevice(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  /** The hits recorded for an event already added (a redelivery), or undefined. */
  hitsFor(id: string): RuleHit[] | undefined {
    return this.hitsById.get(id);
  }

  add(e: Seen, hits: RuleHit[]): void {
    this.count++;
    this.lastSeenMs = Math.max(this.lastSeenMs, e.timeMs);
    const evicted = this.events.push(e);
    if (evicted) this.hitsById.delete(evicted.id);
    this.hitsById.set(e.id, hits);
    this.medianValid = false;
    this.devices.delete(e.deviceId); // re-insert: most recently used last
    this.devices.set(e.deviceId, true);
    if (this.devices.size > KNOWN_DEVICES) this.devices.delete(this.devices.keys().next().value!);
  }
}

export class CustomerStates {
  /** insertion order is recency order: a customer is moved to the end each time it is seen */
  private readonly byCustomer = new Map<string, CustomerState>();
  private latestMs = Number.NEGATIVE_INFINITY;
  evicted = 0;

  constructor(
    private readonly limits: StateLimits,
    private readonly capacity = RECENT_EVENTS,
  ) {}

  get size(): number {
    return this.byCustomer.size;
  }

  /** The customer's state (created empty if unknown), marked as just seen at `timeMs`. */
  touch(customerId: string, partition: number, timeMs: number): CustomerState {
    let state = this.byCustomer.get(customerId);
    if (state && state.partition !== partition) state = undefined; // moved partitions: start over
    this.byCustomer.delete(customerId);
    state ??= new CustomerState(partition, this.capacity);
    this.byCustomer.set(customerId, state);
    state.lastSeenMs = Math.max(state.lastSeenMs, timeMs);
    this.latestMs = Math.max(this.latestMs, timeMs);
    this.evict();
    return state;
  }

  /** Drops customers whose partition this consumer no longer owns; returns how many. */
  keepPartitions(assigned: ReadonlySet<number>): number {
    let dropped = 0;
    for (const [id, s] of this.byCustomer) {
      if (!assigned.has(s.partition)) {
        this.byCustomer.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  private evict(): void {
    const idleBefore = this.latestMs - this.limits.idleMs;
    for (const [id, s] of this.byCustomer) {
      // the head is the least recently seen; stop at the first customer that may stay
      if (this.byCustomer.size <= this.limits.maxCustomers && s.lastSeenMs >= idleBefore) break;
      this.byCustomer.delete(id);
      this.evicted++;
    }
  }
}
