// Lab 09's ceiling, judged: whether a step of the ramp held up, which stage gave way first, and which
// process was hottest when it did. Pure: plain readings in, verdicts out. ceiling.ts measures; the tests
// feed numbers. It imports nothing, so the results schema (lib/results/lab09-ceiling.ts) takes its
// vocabulary from here.
//
// A stage is how far one part of the pipeline is behind the stream:
//   producer — behind its schedule: now − the due time of the next event it has not sent yet;
//   sink, windows, fraud — their consumer group behind the end of the transactions topic, in records and
//   in seconds of the stream (records ÷ the rate the topic grows at: about the age of the oldest unread one).
// A step is sustained when, at its end, every stage is less than `maxLagS` behind.

export const STAGES = ['producer', 'sink', 'windows', 'fraud'] as const;
export type Stage = (typeof STAGES)[number];

/** the processes whose CPU is read: this one (the producer), the pipeline's children, the engines */
export const PROCESSES = ['producer', 'sink', 'windows', 'fraud', 'worker', 'kafka', 'db', 'temporal'] as const;
export type ProcessName = (typeof PROCESSES)[number];

/** why a ramp ended: a step not sustained, a process that exited, no rate left, its time budget, Ctrl-C */
export const ENDED_BY = ['saturation', 'crash', 'last_rate', 'budget', 'interrupted'] as const;
export type EndedBy = (typeof ENDED_BY)[number];

/** Seed 001: "a fault-tolerant, distributed transaction system capable of handling … 10,000+ events/sec". */
export const SEED_001_CLAIM = {
  events_per_s: 10_000,
  source: 'seed 001: "high-throughput data streams (10,000+ events/sec)"',
};

export type SaturationRule = {
  /** a stage keeps up when it is less than this far behind at the end of a step (seconds of the stream) */
  maxLagS: number;
  /** the end of a step is its last `endSamples` samples, and the least lag among them counts (one slow poll is not a backlog) */
  endSamples: number;
  /** a stage's lag grows in a step when its trend is at least this (seconds of lag gained per second) */
  growthSPerS: number;
};
export const SATURATION_RULE: SaturationRule = { maxLagS: 1, endSamples: 2, growthSPerS: 0.05 };

/** One stage at one sample: records behind, seconds behind, and its pace (records/s consumed, or acked for the producer). */
export type StageReading = { lag_records: number; lag_s: number; per_s: number };
export type StageSample = { t_s: number; stages: Record<Stage, StageReading> };

/** Seconds of the stream that `records` make at `perS` records/s (a rate below 1/s counts as 1/s). */
export function lagSeconds(records: number, perS: number): number {
  return records <= 0 ? 0 : records / Math.max(perS, 1);
}

/** Least-squares slope of lag against time (seconds gained per second); 0 with fewer than two points. */
export function trend(points: readonly { t_s: number; lag_s: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((s, p) => s + p.t_s, 0) / n;
  const ml = points.reduce((s, p) => s + p.lag_s, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t_s - mt) * (p.lag_s - ml);
    den += (p.t_s - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export type StageVerdict = {
  /** the least lag among the step's last samples (its end, as the rule reads it) */
  lag_end_s: number;
  lag_end_records: number;
  lag_max_s: number;
  /** mean pace over the step, records/s */
  per_s: number;
  /** trend of the lag over the step, seconds per second */
  growth_s_per_s: number;
  growing: boolean;
  /** seconds into the step from which the stage stayed at or over the limit to the end; null if it ended under it */
  behind_from_s: number | null;
};

export type StepVerdict = {
  sustained: boolean;
  behind: Stage[];
  /** stages whose process exited during the step: behind from then on, whatever their lag said */
  down: Stage[];
  stages: Record<Stage, StageVerdict>;
};

/**
 * Judges one step from its samples (t_s counted from the step's start). `down` names the stages whose
 * process exited during the step, and when (seconds into the step).
 */
export function judgeStep(
  samples: readonly StageSample[],
  rule: SaturationRule = SATURATION_RULE,
  down: Partial<Record<Stage, number>> = {},
): StepVerdict {
  const stages = {} as Record<Stage, StageVerdict>;
  for (const stage of STAGES) {
    const v = judgeStage(samples, stage, rule);
    const at = down[stage];
    stages[stage] = at === undefined ? v : { ...v, behind_from_s: Math.min(v.behind_from_s ?? at, at) };
  }
  const behind = STAGES.filter((s) => stages[s].behind_from_s !== null);
  return {
    sustained: samples.length > 0 && behind.length === 0,
    behind,
    down: STAGES.filter((s) => down[s] !== undefined),
    stages,
  };
}

function judgeStage(samples: readonly StageSample[], stage: Stage, rule: SaturationRule): StageVerdict {
  const points = samples.map((s) => ({ t_s: s.t_s, ...s.stages[stage] }));
  if (points.length === 0)
    return {
      lag_end_s: 0,
      lag_end_records: 0,
      lag_max_s: 0,
      per_s: 0,
      growth_s_per_s: 0,
      growing: false,
      behind_from_s: null,
    };
  const end = points.slice(-Math.max(1, rule.endSamples)).reduce((a, b) => (b.lag_s < a.lag_s ? b : a));
  const growth = trend(points);
  let behindFrom: number | null = null;
  if (end.lag_s >= rule.maxLagS) {
    let i = points.length - 1;
    while (i > 0 && points[i - 1]!.lag_s >= rule.maxLagS) i--;
    behindFrom = points[i]!.t_s;
  }
  return {
    lag_end_s: end.lag_s,
    lag_end_records: end.lag_records,
    lag_max_s: Math.max(...points.map((p) => p.lag_s)),
    per_s: points.reduce((s, p) => s + p.per_s, 0) / points.length,
    growth_s_per_s: growth,
    growing: growth >= rule.growthSPerS,
    behind_from_s: behindFrom,
  };
}

/** What the ramp's verdicts need of each step. */
export type JudgedStep = StepVerdict & {
  offered_per_s: number;
  achieved_per_s: number;
  /** mean CPU over the step, % of one core; null where the process could not be read */
  cpu: Record<ProcessName, number | null>;
};

export type Saturation = {
  /** index of the first step that was not sustained */
  step: number;
  offered_per_s: number;
  /** the stage that fell behind first in that step (earliest behind_from_s; the larger lag on a tie) */
  stage: Stage;
  behind_from_s: number;
  lag_end_s: number;
  /** every stage behind at that step's end */
  behind: Stage[];
  /** the stage fell behind because its process exited, not because it was slow */
  down: boolean;
  /** the first stage whose lag grew, in the earliest step where one did (up to and including this one) */
  first_growing: { step: number; offered_per_s: number; stage: Stage; growth_s_per_s: number } | null;
  /** the process with the most CPU in that step */
  hottest: { process: ProcessName; cpu_pct: number } | null;
};

export type Ceiling = {
  /** the last sustained step before the first one that was not (null: not even the first step held) */
  step: number | null;
  offered_per_s: number | null;
  /** what the producer achieved in that step: the highest sustained events/s */
  events_per_s: number | null;
  /** null when every step was sustained: the ceiling is above the ramp */
  saturation: Saturation | null;
};

export function findCeiling(steps: readonly JudgedStep[]): Ceiling {
  const failed = steps.findIndex((s) => !s.sustained);
  const upTo = failed < 0 ? steps.length : failed;
  const best = upTo > 0 ? upTo - 1 : null;
  return {
    step: best,
    offered_per_s: best === null ? null : steps[best]!.offered_per_s,
    events_per_s: best === null ? null : steps[best]!.achieved_per_s,
    saturation: failed < 0 ? null : saturationAt(steps, failed),
  };
}

function saturationAt(steps: readonly JudgedStep[], index: number): Saturation {
  const step = steps[index]!;
  const first = [...step.behind].sort(
    (a, b) =>
      step.stages[a].behind_from_s! - step.stages[b].behind_from_s! ||
      step.stages[b].lag_end_s - step.stages[a].lag_end_s,
  )[0]!;
  return {
    step: index,
    offered_per_s: step.offered_per_s,
    stage: first,
    behind_from_s: step.stages[first].behind_from_s!,
    lag_end_s: step.stages[first].lag_end_s,
    behind: step.behind,
    down: step.down.includes(first),
    first_growing: firstGrowing(steps.slice(0, index + 1)),
    hottest: hottest(step.cpu),
  };
}

function firstGrowing(steps: readonly JudgedStep[]): Saturation['first_growing'] {
  for (const [i, s] of steps.entries()) {
    const growing = STAGES.filter((g) => s.stages[g].growing);
    if (growing.length === 0) continue;
    const stage = growing.reduce((a, b) => (s.stages[b].growth_s_per_s > s.stages[a].growth_s_per_s ? b : a));
    return { step: i, offered_per_s: s.offered_per_s, stage, growth_s_per_s: s.stages[stage].growth_s_per_s };
  }
  return null;
}

export function hottest(cpu: Record<ProcessName, number | null>): Saturation['hottest'] {
  let best: Saturation['hottest'] = null;
  for (const p of PROCESSES) {
    const v = cpu[p];
    if (v !== null && (best === null || v > best.cpu_pct)) best = { process: p, cpu_pct: v };
  }
  return best;
}

/** The highest sustained rate against seed 001's claim. */
export function againstClaim(eventsPerS: number | null, claim = SEED_001_CLAIM.events_per_s) {
  const measured = eventsPerS ?? 0;
  return {
    claim_events_per_s: claim,
    measured_events_per_s: measured,
    ratio: measured / claim,
    met: measured >= claim,
  };
}

/** One line a person can read: where the ramp stopped and why. */
export function describeCeiling(c: Ceiling, maxLagS = SATURATION_RULE.maxLagS): string {
  const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
  const held = c.events_per_s === null ? 'no step was sustained' : `sustained ${rate(c.events_per_s)}`;
  const s = c.saturation;
  if (!s) return `${held}: every step of the ramp was sustained (the ceiling is higher)`;
  const hot = s.hottest
    ? `; hottest process: ${s.hottest.process} at ${Math.round(s.hottest.cpu_pct)} % of a core`
    : '';
  const others = s.behind.filter((b) => b !== s.stage);
  const also = others.length ? ` (also behind: ${others.join(', ')})` : '';
  const into = `${s.behind_from_s.toFixed(1)} s into the step`;
  const what = s.down
    ? `${s.stage} stopped first: its process exited ${into}`
    : `${s.stage} fell ≥ ${maxLagS} s behind first, ${into}, ${s.lag_end_s.toFixed(1)} s behind at its end`;
  return `${held}; at ${rate(s.offered_per_s)} ${what}${also}${hot}`;
}
