// Lab 09's ceiling of the whole pipeline on this machine: the producer, the sink, the windows process and
// the fraud rules with their Temporal reviews all running at once on the embedded stack, the offered rate
// raised step by step until the pipeline cannot keep up. Every `sampleMs` it reads each stage's lag
// (saturation.ts says what a stage is), each consumer group's pace, and the CPU of every process
// (/proc/<pid>/stat: this one, the children, Kafka, MariaDB, Temporal). A step is sustained when every
// stage ends it less than `maxLagS` behind; the ramp stops at the first step that is not.
//
// It runs in a namespace of its own (lib/testing/isolation.ts: topics, groups, database, task queue), so
// the backlog of the step that broke reaches no other lab's groups or tables, and it removes the namespace
// at the end. The processes it starts are stopped in `finally`, whatever happened; a child whose parent
// is gone stops itself (lib/child.ts).
import { type Child, spawnChild } from '../child.ts';
import { config } from '../config.ts';
import { ensureDatabase, withDb } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { type Scheduled, TransactionGenerator } from '../generator/index.ts';
import { createKafka, createProducer, ensureTopics } from '../kafka.ts';
import { DeliveryStats, produceLive } from '../produce.ts';
import { PartitionCounts } from '../send.ts';
import { spawnSink } from '../sink/process.ts';
import { ensureStack } from '../stack/index.ts';
import { isolated } from '../testing/isolation.ts';
import { topicSpecs } from '../topics.ts';
import { sleep, waitFor } from '../wait.ts';
import { spawnWindows } from '../windows/process.ts';
import { spawnWorker } from '../fraud/review/worker-process.ts';
import { cores } from './cpu.ts';
import { stepLine, summaryOf } from './ceiling-lines.ts';

export { ceilingSummary } from './ceiling-lines.ts';
import { startSampler } from './ceiling-sampler.ts';
import type { FraudIpcMessage } from './fraud-main.ts';
import {
  type Ceiling,
  type EndedBy,
  PROCESSES,
  type ProcessName,
  SATURATION_RULE,
  SEED_001_CLAIM,
  type SaturationRule,
  type Stage,
  type StageReading,
  type StageVerdict,
  againstClaim,
  findCeiling,
  judgeStep,
} from './saturation.ts';

export const CEILING_DEFAULTS = {
  /** offered events/s, one step each */
  rates: [250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 12_000, 16_000] as readonly number[],
  stepS: 10,
  /** no step starts past this many seconds of ramp (a fast machine would otherwise climb for minutes) */
  budgetS: 60,
  sampleMs: 500,
  /**
   * customers in the generated population. Fewer make honest customers trip the velocity rule (≥ 5 in
   * 60 s) more often: more reviews. More make the windows' customer view emit more (a result per customer
   * active in each 30-s window, every 5 s): more work per event for the windows stage than a realistic
   * customer base at these rates would give.
   */
  customers: 15_000,
  sinks: 1,
  /** a held review declines after this: nobody answers holds here, and each one keeps a review slot */
  holdTimeoutS: 2,
  maxInFlight: 256,
};

export type CeilingOptions = {
  rates?: readonly number[];
  /** seconds per step */
  stepS?: number;
  /** seconds of ramp at most: no step starts that would end past it */
  budgetS?: number;
  sampleMs?: number;
  /** the rule that judges a step (default: every stage under 1 s behind at its end) */
  rule?: Partial<SaturationRule>;
  /** go on through every rate after the first step that was not sustained */
  untilMax?: boolean;
  customers?: number;
  /** generator seed (default: new each run) */
  seed?: number;
  /** partitions of the run's transactions topic (default TRANSACTIONS_PARTITIONS) */
  partitions?: number;
  /** sink processes in the sink group */
  sinks?: number;
  holdTimeoutS?: number;
  maxInFlight?: number;
  signal?: AbortSignal;
  /** progress lines (default: stderr) */
  log?: (line: string) => void;
};

export type CeilingSample = {
  /** seconds since the ramp started */
  t_s: number;
  step: number;
  offered_per_s: number;
  stages: Record<Stage, StageReading>;
  /** % of one core over the interval since the previous sample */
  cpu: Record<ProcessName, number | null>;
  /** share of all cores busy over that interval, % */
  machine_busy_pct: number | null;
};

export type FraudStepCounts = {
  assessed: number;
  risky: number;
  reviews_started: number;
  reviews_finished: number;
  /** reviews open at the step's end */
  in_flight_end: number;
  /** mean time the fraud consumer waited per review it started (a slot, then the workflow start), ms */
  submit_ms_mean: number | null;
  /** risky events that found every review slot taken (the consumer waited) */
  slot_waits: number;
};

export type CeilingStep = {
  step: number;
  offered_per_s: number;
  /** seconds since the ramp started */
  started_s: number;
  seconds: number;
  /** events the producer acknowledged per second of the step */
  achieved_per_s: number;
  produced: { scheduled: number; sent: number; acked: number; failed: number };
  sustained: boolean;
  behind: Stage[];
  down: Stage[];
  stages: Record<Stage, StageVerdict>;
  /** mean over the step, % of one core */
  cpu: Record<ProcessName, number | null>;
  machine_busy_pct: number | null;
  /** the machine's busy time that none of the processes above used (other programs, the kernel), % of one core */
  other_cpu_pct: number | null;
  fraud: FraudStepCounts;
};

export type Crash = {
  process: ProcessName;
  stage: Stage;
  pid: number;
  /** exit code (128 + n: killed by signal n) */
  code: number;
  step: number;
  /** seconds since the ramp started */
  at_s: number;
  last_lines: string[];
};

export type CeilingReport = {
  parameters: {
    rates: number[];
    step_s: number;
    sample_ms: number;
    rule: { max_lag_s: number; end_samples: number; growth_s_per_s: number };
    until_max: boolean;
    budget_s: number;
    customers: number;
    seed: number;
    partitions: number;
    sinks: number;
    hold_timeout_s: number;
    max_in_flight: number;
    /** the namespace the run used (removed at its end) */
    prefix: string;
  };
  cores: number;
  /** pids whose CPU was read; empty for an engine that is not the embedded stack's */
  pids: Record<ProcessName, number[]>;
  steps: CeilingStep[];
  samples: CeilingSample[];
  ceiling: Ceiling;
  claim: ReturnType<typeof againstClaim> & { source: string };
  /** why the ramp ended */
  ended_by: EndedBy;
  /** a process of the pipeline that exited during the ramp (it ends the ramp: that stage is down) */
  crash: Crash | null;
  /** one line: where the ramp stopped and why */
  summary: string;
  seconds: { setup: number; ramp: number; teardown: number };
  interrupted: boolean;
};

/** Starts the pipeline in its own namespace, ramps the offered rate, and stops it all again. */
export async function runCeiling(o: CeilingOptions = {}): Promise<CeilingReport> {
  const log = o.log ?? ((line: string) => console.error(line));
  const rates = [...(o.rates ?? CEILING_DEFAULTS.rates)];
  const stepMs = Math.round((o.stepS ?? CEILING_DEFAULTS.stepS) * 1000);
  const budgetMs = (o.budgetS ?? CEILING_DEFAULTS.budgetS) * 1000;
  const sampleMs = o.sampleMs ?? CEILING_DEFAULTS.sampleMs;
  const rule: SaturationRule = { ...SATURATION_RULE, ...o.rule };
  const customers = o.customers ?? CEILING_DEFAULTS.customers;
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const sinks = o.sinks ?? CEILING_DEFAULTS.sinks;
  const holdTimeoutS = o.holdTimeoutS ?? CEILING_DEFAULTS.holdTimeoutS;
  const maxInFlight = o.maxInFlight ?? CEILING_DEFAULTS.maxInFlight;
  const partitions = o.partitions ?? config().transactionsPartitions;
  if (rates.length === 0 || rates.some((r) => !(r > 0))) throw new Error(`ceiling: rates must be > 0, got ${rates}`);
  const t0 = performance.now();
  const secondsSince = (t: number) => (performance.now() - t) / 1000;

  // 1. engines (their pids, to read their CPU), a namespace of its own, the review worker, topics, tables
  const up = await ensureStack({ engines: ['kafka', 'db', 'temporal'], quiet: true });
  const enginePid = (name: string) => {
    const r = up.find((u) => u.engine === name)?.result;
    return r && 'pid' in r ? [r.pid] : [];
  };
  const iso = isolated('lab09_ceiling', { TRANSACTIONS_PARTITIONS: String(partitions) });
  const c = iso.config;
  const topic = c.topics.transactions;
  const groups = { sink: c.sink.group, windows: c.windows.group, fraud: c.fraud.group } as const;
  const kafka = createKafka('lab09-ceiling', c);
  const admin = kafka.admin();
  const producer = createProducer(kafka);
  const children: Running[] = [];
  let stopSampler = async () => {};
  // a child that exits on its own ends the ramp; `stopping` tells its exit from the ones asked for
  let stopping = false;
  let crash: Crash | undefined;
  const halt = new AbortController();
  const rampSignal = o.signal ? AbortSignal.any([o.signal, halt.signal]) : halt.signal;
  let rampStart = Number.NaN;
  let currentStep = 0;
  let report: CeilingReport | undefined;
  let teardownFrom = 0;
  try {
    // the worker first: bundling its workflows is the longest start (it ensures its own tables and topic)
    const worker = spawnWorker(iso.env);
    children.push({ ...worker, process: 'worker', stage: 'fraud' }); // no review finishes without it
    await admin.connect();
    await ensureTopics(admin, topicSpecs(c));
    await ensureDatabase(c.db.url);
    await withDb(c.db.url, (db) => migrate(db), 1); // once here: the children's own migrations then find it done
    // every group starts at the (empty) topic's end, so lag counts from the first event produced
    for (const groupId of Object.values(groups))
      await admin.setOffsets({
        groupId,
        topic,
        partitions: range(partitions).map((p) => ({ partition: p, offset: '0' })),
      });

    // 2. the rest of the pipeline: sinks, the windows process, the fraud consumer (each a child)
    log(
      `ceiling: starting ${sinks} sink${sinks > 1 ? 's' : ''}, windows, the review worker and the fraud consumer (namespace ${iso.prefix})`,
    );
    const sinkProcs = range(sinks).map((i) => spawnSink({ id: `ceiling-sink-${i + 1}`, env: iso.env }));
    const windows = spawnWindows({ name: 'ceiling windows', env: iso.env });
    let fraudJoined = false;
    let fraudStats: FraudStats | undefined;
    const fraudChild = spawnChild({
      name: 'ceiling fraud consumer',
      main: 'lib/scale/fraud-main.ts',
      args: ['--hold-timeout', String(holdTimeoutS), '--max-in-flight', String(maxInFlight)],
      env: iso.env,
      onMessage(m) {
        const message = m as FraudIpcMessage;
        if (message.type === 'joined') fraudJoined = message.partitions.length === partitions;
        else if (message.type === 'stats') fraudStats = message;
      },
    });
    children.push(
      ...sinkProcs.map((s) => ({ ...s, name: `sink ${s.id}`, process: 'sink' as const, stage: 'sink' as const })),
      { ...windows, name: 'windows', process: 'windows', stage: 'windows' },
      { ...fraudChild, process: 'fraud', stage: 'fraud' },
    );
    for (const ch of children)
      void ch.exited.then((code) => {
        if (stopping || o.signal?.aborted || crash || Number.isNaN(rampStart)) return;
        crash = {
          process: ch.process,
          stage: ch.stage,
          pid: ch.pid,
          code,
          step: currentStep,
          at_s: secondsSince(rampStart),
          last_lines: ch.lines().slice(-12),
        };
        log(`ceiling: ${ch.name} (pid ${ch.pid}) exited with code ${code} during the ramp: ending it`);
        halt.abort();
      });
    const gen = new TransactionGenerator({ ...c.generator, peakFactor: 1, customerCount: customers, seed });
    await Promise.all([...sinkProcs.map((s) => s.ready), windows.ready, worker.ready, fraudChild.ready]);
    const joined = await waitFor(
      () =>
        fraudJoined &&
        windows.partitions().length === partitions &&
        new Set(sinkProcs.flatMap((s) => s.partitions())).size === partitions,
      { timeoutMs: 60_000, intervalMs: 100, signal: o.signal, abort: () => died(children) },
    );
    // stopped meanwhile (Ctrl-C): no ramp, an empty report marked interrupted
    if (!joined.ok && !o.signal?.aborted)
      throw new Error(`ceiling: the pipeline's consumers did not join their groups: ${joined.reason}`);
    await producer.connect();
    const pids: Record<ProcessName, number[]> = {
      producer: [process.pid],
      sink: sinkProcs.map((s) => s.pid),
      windows: [windows.pid],
      fraud: [fraudChild.pid],
      worker: [worker.pid],
      kafka: enginePid('kafka'),
      db: enginePid('db'),
      temporal: enginePid('temporal'),
    };
    const setupS = secondsSince(t0);
    log(
      `ceiling: pipeline up in ${setupS.toFixed(1)} s; ramp ${rates.map((r) => `${r}/s`).join(' → ')}, ${stepMs / 1000} s each`,
    );

    // 3. the ramp, sampled throughout
    const ramp = { step: 0, offered: rates[0]!, delivery: new DeliveryStats(), ackedBefore: 0, nextDueMs: NaN };
    rampStart = performance.now();
    const sampler = startSampler({
      admin,
      topic,
      groups,
      pids,
      sampleMs,
      rampStart,
      producer: () => ({
        step: ramp.step,
        offered: ramp.offered,
        acked: ramp.ackedBefore + ramp.delivery.acked,
        behindS: Number.isNaN(ramp.nextDueMs) ? 0 : Math.max(0, Date.now() - ramp.nextDueMs) / 1000,
      }),
      log,
    });
    stopSampler = sampler.stop;
    const steps: CeilingStep[] = [];
    const counts = new PartitionCounts(kafka);
    let endedBy: EndedBy = 'last_rate';
    for (const [i, rate] of rates.entries()) {
      if (rampSignal.aborted) break;
      if (i > 0 && performance.now() - rampStart + stepMs > budgetMs) {
        endedBy = 'budget';
        break;
      }
      currentStep = i;
      const fraudBefore = fraudStats;
      const startedS = secondsSince(rampStart);
      const startMs = Date.now();
      Object.assign(ramp, { step: i, offered: rate, delivery: new DeliveryStats(), nextDueMs: NaN });
      const pulled = { n: 0 };
      const stream = gen.stream(startMs, rate, { endMs: startMs + stepMs });
      await produceLive(
        producer,
        counts,
        { transactions: topic, labels: c.topics.labels },
        tracked(stream, ramp, pulled),
        ramp.delivery,
        { durationMs: stepMs, signal: rampSignal },
      );
      ramp.nextDueMs = NaN;
      if (o.signal?.aborted) break; // a step cut short by Ctrl-C measured nothing whole: left out
      // what the step scheduled but did not send (the producer fell behind): counted, not sent
      let rest = 0;
      if (!crash) for (const _ of stream) rest++;
      const seconds = secondsSince(rampStart) - startedS;
      const stepSamples = sampler.samples.filter((s) => s.step === i);
      const down = crash?.step === i ? { [crash.stage]: crash.at_s - startedS } : {};
      const verdict = judgeStep(
        stepSamples.map((s) => ({ t_s: s.t_s - startedS, stages: s.stages })),
        rule,
        down,
      );
      const d = ramp.delivery;
      const step: CeilingStep = {
        step: i,
        offered_per_s: rate,
        started_s: startedS,
        seconds,
        achieved_per_s: d.acked / seconds,
        produced: { scheduled: pulled.n + rest, sent: d.sent, acked: d.acked, failed: d.failed },
        ...verdict,
        cpu: sampler.meanCpu(i),
        machine_busy_pct: sampler.meanBusy(i),
        other_cpu_pct: null,
        fraud: fraudDelta(fraudBefore, fraudStats),
      };
      step.other_cpu_pct = otherCpu(step.machine_busy_pct, step.cpu, cores());
      ramp.ackedBefore += d.acked;
      steps.push(step);
      log(stepLine(step, rule));
      if (crash) break;
      if (!step.sustained && !o.untilMax) {
        endedBy = 'saturation';
        break;
      }
    }
    const rampS = secondsSince(rampStart);
    teardownFrom = performance.now();
    await stopSampler();
    const ceiling = findCeiling(steps);
    report = {
      parameters: {
        rates,
        step_s: stepMs / 1000,
        sample_ms: sampleMs,
        rule: { max_lag_s: rule.maxLagS, end_samples: rule.endSamples, growth_s_per_s: rule.growthSPerS },
        until_max: o.untilMax ?? false,
        budget_s: budgetMs / 1000,
        customers,
        seed,
        partitions,
        sinks,
        hold_timeout_s: holdTimeoutS,
        max_in_flight: maxInFlight,
        prefix: iso.prefix,
      },
      cores: cores(),
      pids,
      steps,
      samples: sampler.samples.map(({ dt_s: _, ...s }) => s),
      ceiling,
      claim: { ...againstClaim(ceiling.events_per_s), source: SEED_001_CLAIM.source },
      ended_by: o.signal?.aborted ? 'interrupted' : crash ? 'crash' : endedBy,
      crash: crash ?? null,
      summary: summaryOf(ceiling, rule, crash, {
        steps: steps.length,
        of: rates.length,
        interrupted: o.signal?.aborted ?? false,
        budgetS: endedBy === 'budget' ? budgetMs / 1000 : null,
      }),
      seconds: { setup: setupS, ramp: rampS, teardown: 0 },
      interrupted: o.signal?.aborted ?? false,
    };
  } finally {
    // 4. stop everything that started: the fraud consumer first (it lets its open reviews finish while
    //    the worker still runs), then the worker; sinks and windows meanwhile; then the namespace goes
    teardownFrom ||= performance.now();
    stopping = true;
    await stopSampler().catch(() => {});
    const fraudChild = children.find((ch) => ch.process === 'fraud');
    const worker = children.find((ch) => ch.process === 'worker');
    const rest = children.filter((ch) => ch !== fraudChild && ch !== worker);
    // Ctrl-C reached the children too (one process group): let them finish as they started to
    if (o.signal?.aborted) await sleep(300);
    await Promise.all([
      (async () => {
        if (fraudChild) await stopGently(fraudChild, 15_000); // its drain waits up to 10 s for open reviews
        if (worker) await stopGently(worker, 5_000);
      })(),
      ...rest.map((ch) => stopGently(ch, 5_000)),
    ]);
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await iso.cleanup();
  }
  // the try either set it or threw
  report!.seconds.teardown = secondsSince(teardownFrom);
  return report!;
}

/** The stream as produceLive pulls it, noting the due time of the next event not yet sent. */
function* tracked(
  stream: Iterator<Scheduled>,
  ramp: { nextDueMs: number },
  pulled: { n: number },
): Generator<Scheduled> {
  for (;;) {
    const r = stream.next();
    if (r.done) {
      ramp.nextDueMs = NaN;
      return;
    }
    pulled.n++;
    ramp.nextDueMs = r.value.timeMs; // produceLive holds it until it is due and sent
    yield r.value;
  }
}

/** A child process of the pipeline, as the ramp watches and stops it: which process it is, which stage it serves. */
type Running = Pick<Child, 'name' | 'pid' | 'running' | 'lines' | 'stop' | 'exited'> & {
  process: ProcessName;
  stage: Stage;
};

/**
 * Stops a child with SIGTERM, unless it is stopping already (it got the terminal's Ctrl-C and said so):
 * then it gets `graceMs` to finish, since a second signal would make it exit without cleaning up.
 */
async function stopGently(ch: Running, graceMs: number): Promise<void> {
  if (!ch.running()) return;
  if (ch.lines().some((l) => /: SIG(INT|TERM) received/.test(l))) await Promise.race([ch.exited, sleep(graceMs)]);
  if (ch.running()) await ch.stop(30_000);
}

/** The first child that is no longer running, described, or undefined. */
function died(children: readonly Running[]): string | undefined {
  const gone = children.find((ch) => !ch.running());
  return gone ? `${gone.name} (pid ${gone.pid}) exited:\n${gone.lines().slice(-10).join('\n')}` : undefined;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** busy share of all cores, as % of one core, less what the measured processes used */
function otherCpu(busyPct: number | null, cpu: Record<ProcessName, number | null>, cores: number): number | null {
  if (busyPct === null) return null;
  const ours = PROCESSES.reduce((s, p) => s + (cpu[p] ?? 0), 0);
  return Math.max(0, busyPct * cores - ours);
}

type FraudStats = Extract<FraudIpcMessage, { type: 'stats' }>;

function fraudDelta(before: FraudStats | undefined, after: FraudStats | undefined): FraudStepCounts {
  const b = (f: (s: FraudStats) => number) => (before ? f(before) : 0);
  const a = (f: (s: FraudStats) => number) => (after ? f(after) : 0);
  const d = (f: (s: FraudStats) => number) => a(f) - b(f);
  return {
    assessed: d((s) => s.consumer.consumed),
    risky: d((s) => s.consumer.risky),
    reviews_started: d((s) => s.reviews.started),
    reviews_finished: d((s) => s.reviews.completed + s.reviews.failed),
    in_flight_end: a((s) => s.reviews.inFlight),
    slot_waits: d((s) => s.reviews.waits),
    submit_ms_mean:
      d((s) => s.reviews.started) > 0 ? d((s) => s.reviews.submit_ms) / d((s) => s.reviews.started) : null,
  };
}
