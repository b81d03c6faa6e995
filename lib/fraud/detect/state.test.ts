import { describe, expect, test } from 'bun:test';
import { loadConfig } from '../../config.ts';
import { purchase } from '../../fixtures/fraud.ts';
import { RiskEngine, engineOptions } from './engine.ts';
import { Ring } from './ring.ts';
import { CustomerStates } from './state.ts';

const c = loadConfig({});
const HOUR = 3_600_000;

describe('ring buffer', () => {
  test('keeps the newest items, oldest first, and hands back what it drops', () => {
    const r = new Ring<number>(3);
    expect([1, 2, 3].map((x) => r.push(x))).toEqual([undefined, undefined, undefined]);
    expect(r.push(4)).toBe(1);
    expect(r.push(5)).toBe(2);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.size).toBe(3);
  });
});

describe('per-customer state', () => {
  test('a customer keeps at most its ring of recent events however many it sends', () => {
    const states = new CustomerStates({ maxCustomers: 10, idleMs: HOUR }, 8);
    const s = states.touch('cust_1', 0, 0);
    for (let i = 0; i < 100; i++)
      s.add({ id: `t${i}`, timeMs: i, amount: i, lat: 0, lng: 0, deviceId: `dev_${i}` }, []);
    expect(s.count).toBe(100);
    expect(s.recent().map((e) => e.id)).toEqual(Array.from({ length: 8 }, (_, i) => `t${92 + i}`));
    expect(s.knowsDevice('dev_99')).toBe(true);
    expect(s.knowsDevice('dev_50')).toBe(false); // only the last 8 devices are remembered
    expect(s.hitsFor('t0')).toBeUndefined();
  });

  test('beyond maxCustomers the least recently seen customer is evicted', () => {
    const states = new CustomerStates({ maxCustomers: 2, idleMs: HOUR });
    states.touch('cust_1', 0, 0);
    states.touch('cust_2', 0, 1);
    states.touch('cust_1', 0, 2); // cust_2 is now the least recent
    states.touch('cust_3', 0, 3);
    expect(states.size).toBe(2);
    expect(states.evicted).toBe(1);
    expect(states.touch('cust_1', 0, 4).count).toBe(0); // touch alone adds no event: still known, not recreated
  });

  test('a customer idle for longer than idleMs (in event time) is evicted', () => {
    const states = new CustomerStates({ maxCustomers: 100, idleMs: HOUR });
    states.touch('cust_1', 0, 0).add({ id: 'a', timeMs: 0, amount: 1, lat: 0, lng: 0, deviceId: 'd' }, []);
    states.touch('cust_2', 0, HOUR);
    expect(states.size).toBe(2);
    states.touch('cust_3', 0, HOUR + 1);
    expect(states.size).toBe(2);
    expect(states.evicted).toBe(1);
  });

  test('after a rebalance, customers of partitions this consumer lost are dropped', () => {
    const states = new CustomerStates({ maxCustomers: 100, idleMs: HOUR });
    states.touch('cust_1', 0, 0);
    states.touch('cust_2', 1, 0);
    states.touch('cust_3', 2, 0);
    expect(states.keepPartitions(new Set([0, 2]))).toBe(1);
    expect(states.size).toBe(2);
  });
});

describe('risk engine', () => {
  test('a redelivered transaction gets its first answer and is not counted twice', () => {
    const engine = new RiskEngine(engineOptions());
    const burst = [0, 1, 2, 3, 4].map((at) => purchase({ at }));
    const first = burst.map((e) => engine.assess(e));
    const again = engine.assess(burst[4]!);
    expect(again).toEqual({ ...first[4]!, redelivered: true });
    expect(engine.assess(burst[2]!).risky).toBe(false); // the third never was risky, and still is not
    // a sixth, genuinely new, sees five before it (not seven)
    expect(engine.assess(purchase({ at: 5 })).hits[0]!.reason).toStartWith('6 transactions');
  });

  test("each customer's state is its own", () => {
    const engine = new RiskEngine(engineOptions());
    const a = [0, 1, 2, 3].map((at) => engine.assess(purchase({ at, customer: 'cust_1' })));
    const b = engine.assess(purchase({ at: 4, customer: 'cust_2' }));
    expect([...a, b].every((x) => x.hits.length === 0)).toBe(true);
  });
});
