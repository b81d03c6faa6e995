// A small seeded PRNG and the distributions the generator draws from. Same seed, same sequence, on
// every machine: a run can be replayed exactly. sfc32 passes PractRand and is fast in JS.
export type Rng = () => number;

/** A seeded uniform [0, 1) generator (sfc32, state initialised by splitmix32 from the seed). */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(),
    b = split(),
    c = split(),
    d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

/** Exponential waiting time with rate λ (mean 1/λ), by inversion. */
export const exponential = (rng: Rng, lambda: number) => -Math.log(1 - rng()) / lambda;

/** Standard normal by Box–Muller. */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Log-normal with the given median and shape σ. */
export const logNormal = (rng: Rng, median: number, sigma: number) => median * Math.exp(sigma * normal(rng));

export const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
export const intBetween = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
export const chance = (rng: Rng, p: number) => rng() < p;

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick: empty list');
  return items[Math.floor(rng() * items.length)]!;
}

/** Picks by weight: `weighted(rng, [['a', 3], ['b', 1]])` returns 'a' three times as often as 'b'. */
export function weighted<T>(rng: Rng, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = rng() * total;
  for (const [item, w] of table) {
    x -= w;
    if (x < 0) return item;
  }
  return table[table.length - 1]![0];
}

/** An RFC 4122 version-4 UUID drawn from the seeded generator (reproducible, unlike crypto.randomUUID). */
export function uuid4(rng: Rng): string {
  const hex: string[] = [];
  for (let i = 0; i < 4; i++) hex.push(((rng() * 4294967296) >>> 0).toString(16).padStart(8, '0'));
  const h = hex.join('');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
