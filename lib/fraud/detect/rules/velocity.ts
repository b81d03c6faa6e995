// Velocity: at least N transactions of one customer within a sliding window (seed 004: five within a
// minute). The window is (t − window, t]: an event exactly `window` old has just left it.
import type { Rule } from './types.ts';

export const velocity: Rule = (past, tx, t) => {
  const since = tx.timeMs - t.velocity.windowMs;
  const recent = past.recent();
  let n = 1; // this one
  for (let i = recent.length - 1; i >= 0 && recent[i]!.timeMs > since; i--) n++;
  if (n < t.velocity.count) return null;
  return {
    rule: 'velocity',
    score: Math.min(1, 0.6 + 0.15 * (n - t.velocity.count)),
    reason: `${n} transactions within ${t.velocity.windowMs / 1000} s (threshold ${t.velocity.count})`,
  };
};
