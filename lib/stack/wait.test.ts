import { describe, expect, test } from 'bun:test';
import { seconds, waitFor } from './wait.ts';

describe('waitFor', () => {
  test('resolves once the probe says yes', async () => {
    let calls = 0;
    const r = await waitFor(async () => ++calls === 3, { timeoutMs: 1_000, intervalMs: 1 });
    expect([r.ok, calls]).toEqual([true, 3]);
  });
  test('treats a throwing probe as not ready, and gives up at the deadline', async () => {
    const r = await waitFor(async () => Promise.reject(new Error('refused')), { timeoutMs: 30, intervalMs: 5 });
    expect(r.ok).toBe(false);
  });
  test('stops early with the abort reason', async () => {
    const r = await waitFor(async () => false, { timeoutMs: 10_000, abort: () => 'exited with code 1' });
    expect(r).toMatchObject({ ok: false, reason: 'exited with code 1' });
  });
});

describe('seconds', () => {
  test('formats milliseconds with one decimal', () => expect(seconds(9_812)).toBe('9.8 s'));
});
