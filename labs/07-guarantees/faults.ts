// Lab 07's fault rounds: all six pipelines over the same input range at once, each under one fault,
// then each audited record by record against its input.
//   worst-crash     each pipeline SIGKILLs itself at the worst moment for its guarantee, in batch k;
//                   the audit must find exactly the interrupted batch lost (at most once), written twice
//                   (at least once), or neither (exactly once; its aborted records are in the log);
//   random-kills    SIGKILLs from outside at seeded random moments while it works;
//   broker-restart  the embedded broker stops and starts again while they work.
import type { Kafka } from 'kafkajs';
import type { Pool } from 'mysql2/promise';
import type { Config } from '../../lib/config.ts';
import { type Offsets, endOffsets } from '../../lib/drain.ts';
import type { Audit } from '../../lib/guarantees/audit.ts';
import { broken } from '../../lib/guarantees/audit.ts';
import { type Pipeline, PIPELINES, PROMISE, WORST_CRASH, namesOf, pipelineId } from '../../lib/guarantees/modes.ts';
import { type PipelineRun, type RunFaults, runPipeline } from '../../lib/guarantees/run.ts';
import { auditPipeline } from '../../lib/guarantees/verify.ts';
import { withAdmin } from '../../lib/kafka.ts';
import type { Rng } from '../../lib/random.ts';
import type { AuditResult, Fault, FaultRun } from '../../lib/results/lab07.ts';

export type Round = {
  kafka: Kafka;
  pool: Pool;
  c: Config;
  runId: string;
  from: Offsets;
  to: Offsets;
  inputKeys: string[];
  batch: number;
  onLine(line: string): void;
  signal: AbortSignal;
};

/** The faults each pipeline gets in a round. */
export function plan(fault: Fault, rng: Rng, o: { kills: number; crashBatch: number }): Map<string, RunFaults> {
  return new Map(
    PIPELINES.map((p) => {
      const id = pipelineId(p);
      if (fault === 'worst-crash') return [id, { crashAt: { phase: WORST_CRASH[p.mode], batch: o.crashBatch } }];
      if (fault === 'random-kills')
        return [id, { killsAfterMs: Array.from({ length: o.kills }, () => 20 + Math.floor(rng() * 600)) }];
      return [id, {}];
    }),
  );
}

/** Deletes the consumer groups of a run's pipelines (each run has its own, modes.ts): they are done. */
export async function forgetGroups(r: Round, runId: string): Promise<void> {
  const groups = PIPELINES.map((p) => namesOf(r.c, p, runId).group);
  await withAdmin(r.kafka, (admin) => admin.deleteGroups(groups)).catch((e) =>
    r.onLine(`could not delete the run's consumer groups (they expire on their own): ${(e as Error).message}`),
  );
}

/** Records read so far per pipeline in the round: what `during` can wait for. */
export type RoundProgress = () => Map<string, number>;

/** Runs every pipeline at once under its faults (`during` runs beside them, e.g. a broker restart), then audits each. */
export async function runRound(
  r: Round,
  fault: Fault,
  faults: Map<string, RunFaults>,
  during?: (progress: RoundProgress) => Promise<void>,
): Promise<{ runs: FaultRun[]; kills: { pipeline: string; atMs: number; records: number }[] }> {
  const roundId = `${r.runId}.${fault}`;
  const starts = new Map<string, Offsets>();
  for (const p of PIPELINES)
    if (p.sink === 'kafka') starts.set(pipelineId(p), await endOffsets(r.kafka, namesOf(r.c, p).output));
  const read = new Map<string, number>();
  // if what runs beside them fails (the broker does not come back), the pipelines stop too: none is left behind
  const stop = new AbortController();
  const signal = AbortSignal.any([r.signal, stop.signal]);
  let besideFailed: unknown;
  const beside = during?.(() => new Map(read)).catch((e) => {
    besideFailed = e;
    stop.abort();
  });
  const settled = await Promise.allSettled(
    PIPELINES.map((p) =>
      runPipeline({
        pipeline: p,
        runId: roundId,
        from: r.from,
        to: r.to,
        faults: faults.get(pipelineId(p)),
        batch: r.batch,
        onLine: r.onLine,
        onProgress: (n) => read.set(pipelineId(p), n),
        signal,
        timeoutMs: 240_000,
      }),
    ),
  );
  await beside;
  if (besideFailed) throw besideFailed;
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const outcomes = settled.map((s) => (s as PromiseFulfilledResult<PipelineRun>).value);
  const runs: FaultRun[] = [];
  const kills: { pipeline: string; atMs: number; records: number }[] = [];
  for (const [i, p] of PIPELINES.entries()) {
    const run = outcomes[i] as PipelineRun;
    const id = pipelineId(p);
    const names = namesOf(r.c, p);
    const from = starts.get(id);
    const output = from ? { from, to: await endOffsets(r.kafka, names.output) } : undefined;
    const base = { kafka: r.kafka, pool: r.pool, pipeline: p, names, runId: roundId, inputKeys: r.inputKeys, output };
    const committed = await auditPipeline(base);
    const physical = output ? await auditPipeline({ ...base, readUncommitted: true }) : null;
    kills.push(...run.kills.map((k) => ({ pipeline: id, ...k })));
    runs.push(faultRun(fault, p, run, committed, physical));
  }
  await forgetGroups(r, roundId);
  return { runs, kills };
}

function faultRun(fault: Fault, p: Pipeline, run: PipelineRun, a: Audit, physical: Audit | null): FaultRun {
  const problems = broken(a, PROMISE[p.mode]);
  const interrupted = run.crash?.sources.length ?? 0;
  const predicted = {
    lost: p.mode === 'at-most-once' ? interrupted : 0,
    duplicated: p.mode === 'at-least-once' ? interrupted : 0,
  };
  if (fault === 'worst-crash') {
    if (!run.crash) problems.push('it was told to crash and did not');
    else {
      if (a.lost !== predicted.lost)
        problems.push(`lost ${a.lost} records where the interrupted batch predicts ${predicted.lost}`);
      if (a.duplicated !== predicted.duplicated)
        problems.push(
          `duplicated ${a.duplicated} outputs where the interrupted batch predicts ${predicted.duplicated}`,
        );
      // exactly once into Kafka: the interrupted transaction's records are in the log, aborted
      if (p.mode === 'exactly-once' && p.sink === 'kafka' && physical && physical.duplicated !== interrupted)
        problems.push(
          `a read_uncommitted reader finds ${physical.duplicated} duplicates, not the ${interrupted} records of the aborted transaction`,
        );
    }
  }
  const audit: AuditResult = {
    input: a.input,
    delivered: a.delivered,
    lost: a.lost,
    duplicated: a.duplicated,
    duplicated_records: a.duplicatedRecords,
    rejected: a.rejected,
    foreign: a.foreign,
    uncommitted_duplicated: physical?.duplicated ?? null,
    examples: { lost: a.examples.lost, duplicated: a.examples.duplicated },
  };
  return {
    fault,
    pipeline: { id: pipelineId(p), mode: p.mode, sink: p.sink },
    audit,
    crash: run.crash
      ? {
          phase: run.crash.phase,
          batch: run.crash.batch,
          records: interrupted,
          predicted_lost: predicted.lost,
          predicted_duplicated: predicted.duplicated,
        }
      : null,
    kills: run.kills.length,
    exits: run.exits.length,
    processes: run.processes,
    ms: run.ms,
    broken: problems,
  };
}
