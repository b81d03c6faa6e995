// Lab 06's input: the generator's live stream, one partition left quiet for a while, then put out of
// order (every event delayed up to the bound; a share delayed well past bound + lateness). All seeded:
// the same flags and seed give the same events at the same offsets of each partition.
import { type Disordered, disorder, withIdlePartition } from '../../lib/generator/disorder.ts';
import { TransactionGenerator, type GeneratorOptions } from '../../lib/generator/index.ts';

export type InputPlan = {
  t0: number;
  /** event time where the measured period ends, and where the stream ends (after the tail) */
  measuredEndMs: number;
  streamEndMs: number;
  rate: number;
  seed: number;
  partitions: number;
  idle: { partition: number; fromMs: number; toMs: number };
  boundMs: number;
  lateShare: number;
  lateByMs: number;
};

/** The stream as sent, up to `streamEndMs` of send time (late events due after it are never made). */
export function* inputStream(gen: GeneratorOptions, p: InputPlan): Generator<Disordered> {
  const source = new TransactionGenerator({ ...gen, seed: p.seed }).stream(p.t0, p.rate, { endMs: p.streamEndMs });
  const quiet = withIdlePartition(source, { partitions: p.partitions, ...p.idle });
  for (const x of disorder(quiet, {
    seed: p.seed,
    boundMs: p.boundMs,
    lateShare: p.lateShare,
    lateByMs: p.lateByMs,
    lateSpreadMs: p.lateByMs,
  })) {
    if (x.timeMs >= p.streamEndMs) return;
    yield x;
  }
}
