// Impossible travel: the distance from the customer's previous transaction divided by the time between
// them is faster than a plane. Short hops are ignored (minKm): locations jitter within a city, and a
// few km in a few seconds is not travel. A transaction that was itself impossible travel is not where
// the customer is: the next one is measured from the last place before it (else the card holder's
// next purchase at home would look like the jump back).
import { haversineKm } from './geo.ts';
import type { Rule, Seen } from './types.ts';

/** a zero or negative gap (same millisecond, or out of order) counts as one second */
const MIN_GAP_MS = 1000;

export const impossibleTravel: Rule = (past, tx, t) => {
  const prev = lastPlausible(
    past.recent(),
    (id) => past.hitsFor(id)?.some((h) => h.rule === 'impossible_travel') ?? false,
  );
  if (prev === undefined) return null;
  const km = haversineKm(prev, tx);
  if (km < t.travel.minKm) return null;
  const gapMs = Math.max(MIN_GAP_MS, tx.timeMs - prev.timeMs);
  const kmh = km / (gapMs / 3_600_000);
  if (kmh <= t.travel.maxKmh) return null;
  return {
    rule: 'impossible_travel',
    score: Math.min(0.9, 0.7 + 0.1 * Math.log2(kmh / t.travel.maxKmh)),
    reason: `${Math.round(km)} km from the previous transaction in ${(gapMs / 60_000).toFixed(1)} min (${Math.round(kmh)} km/h, limit ${t.travel.maxKmh})`,
  };
};

function lastPlausible(recent: readonly Seen[], wasJump: (id: string) => boolean): Seen | undefined {
  for (let i = recent.length - 1; i >= 0; i--) if (!wasJump(recent[i]!.id)) return recent[i];
  return undefined;
}
