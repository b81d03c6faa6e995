// The idle partition's effect, replayed offline: the run's events fed to the same operator at the times
// they were sent, once with the idle timeout and once without, sampling the operator watermark every
// 500 ms. Without the timeout, the quiet partition holds the watermark (and every window) still.
import { partitionFor } from '../../lib/partitioner.ts';
import type { Disordered } from '../../lib/generator/disorder.ts';
import { WindowOperator, type View } from '../../lib/windows/operator.ts';

export type IdleReplay = {
  samples: { t_s: number; with_s: number | null; without_s: number | null }[];
  stallWithS: number;
  stallWithoutS: number;
};

export function replayIdle(
  sent: readonly Disordered[],
  o: {
    view: View;
    partitions: number;
    boundMs: number;
    latenessMs: number;
    idleTimeoutMs: number;
    t0: number;
    endMs: number;
  },
): IdleReplay {
  const ops = [o.idleTimeoutMs, 0].map(
    (idleTimeoutMs) =>
      new WindowOperator({ views: [o.view], boundMs: o.boundMs, latenessMs: o.latenessMs, idleTimeoutMs }),
  );
  for (const op of ops) for (let p = 0; p < o.partitions; p++) op.assign(p, o.t0);
  const samples: IdleReplay['samples'] = [];
  const at = (op: WindowOperator) => (Number.isFinite(op.frontier) ? (op.frontier - o.t0) / 1000 : null);
  const offsets = new Map<number, number>();
  let i = 0;
  for (let now = o.t0; now <= o.endMs; now += 500) {
    for (; i < sent.length && sent[i]!.timeMs <= now; i++) {
      const e = sent[i]!.event;
      const p = partitionFor(e.customer_id, o.partitions);
      const offset = offsets.get(p) ?? 0;
      offsets.set(p, offset + 1);
      for (const op of ops) op.process(p, offset, e, sent[i]!.timeMs);
    }
    for (const op of ops) op.advance(now);
    samples.push({ t_s: (now - o.t0) / 1000, with_s: at(ops[0]!), without_s: at(ops[1]!) });
  }
  const stall = (pick: (s: IdleReplay['samples'][number]) => number | null) => {
    let longest = 0;
    let since = 0;
    for (let k = 1; k < samples.length; k++) {
      if (pick(samples[k]!) === pick(samples[k - 1]!))
        longest = Math.max(longest, samples[k]!.t_s - samples[since]!.t_s);
      else since = k;
    }
    return longest;
  };
  return { samples, stallWithS: stall((s) => s.with_s), stallWithoutS: stall((s) => s.without_s) };
}
