import { describe, expect, test } from 'bun:test';
import { seconds, sleep, waitFor, waitUntil, WaitTimeout } from './wait.ts';

describe('waitFor', () => {
  test('resolves with the first value the probe gives', async () => {
    let calls = 0;
    const r = await waitFor(async () => (++calls === 3 ? 'ready' : undefined), { timeoutMs: 1_000, intervalMs: 1 });
    expect({ ok: r.ok, value: r.ok ? r.value : null, calls }).toEqual({ ok: true, value: 'ready', calls: 3 });
  });
  test('treats a throwing probe as not ready, gives up at the deadline and names the last error', async () => {
    const r = await waitFor(async () => Promise.reject(new Error('refused')), { timeoutMs: 30, intervalMs: 5 });
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('last error: refused') });
  });
  test('stops early with the abort reason', async () => {
    const r = await waitFor(async () => false, { timeoutMs: 10_000, abort: () => 'exited with code 1' });
    expect(r).toMatchObject({ ok: false, reason: 'exited with code 1' });
  });
  test('stops when its signal fires', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const r = await waitFor(async () => false, { timeoutMs: 10_000, intervalMs: 5_000, signal: ac.signal });
    expect(r).toMatchObject({ ok: false, reason: 'stopped' });
  });
});

describe('waitUntil', () => {
  test('throws a WaitTimeout that names what it waited for', async () => {
    const e = await waitUntil('the group to catch up', () => undefined, { timeoutMs: 10, intervalMs: 2 }).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(WaitTimeout);
    expect(e.message).toStartWith('gave up waiting for the group to catch up: not ready after');
  });
});

describe('sleep', () => {
  test('ends early when its signal fires', async () => {
    const ac = new AbortController();
    const t = performance.now();
    setTimeout(() => ac.abort(), 10);
    await sleep(5_000, ac.signal);
    expect(performance.now() - t).toBeLessThan(1_000);
  });
});

describe('seconds', () => {
  test('formats milliseconds with one decimal', () => expect(seconds(9_812)).toBe('9.8 s'));
});
