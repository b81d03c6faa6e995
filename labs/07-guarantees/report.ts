// Lab 07's results file and its summary tables: mode × fault (lost, duplicated), the cost of each
// guarantee, and the transaction facts.
import type { Config } from '../../lib/config.ts';
import { envelope } from '../../lib/results/write.ts';
import type { CostRun, Fault, FaultRun, Lab07Result } from '../../lib/results/lab07.ts';
import { table } from '../../lib/terminal.ts';
import type { Fencing, Stall, TransactionRate } from '../../lib/guarantees/demos.ts';

export type Lab07Run = {
  runId: string;
  startedAt: Date;
  config: Config;
  parameters: Lab07Result['parameters'];
  faults: FaultRun[];
  skipped: { fault: Fault; why: string }[];
  kills: { fault: Fault; pipeline: string; atMs: number; records: number }[];
  cost: CostRun[];
  fencing: Fencing;
  stall: Stall;
  rates: TransactionRate[];
};

export function buildResult(r: Lab07Run): Lab07Result {
  return {
    ...envelope('07-guarantees', r.runId, r.startedAt, r.config),
    parameters: r.parameters,
    metrics: {
      faults: r.faults,
      skipped: r.skipped,
      cost: r.cost,
      fencing: {
        after_connect: r.fencing.afterConnect,
        after_init: r.fencing.afterInit,
        visible: r.fencing.visible.map((v) => v.split(':')[1] ?? v),
      },
      stall: { timeout_ms: r.stall.timeoutMs, stall_ms: r.stall.stallMs, uncommitted_ms: r.stall.uncommittedMs },
      transaction_rate: r.rates.map((x) => ({
        initial_retry_time_ms: x.initialRetryTimeMs,
        transactions: x.transactions,
        per_s: x.perS,
      })),
      ok: r.faults.every((f) => f.broken.length === 0),
    },
    samples: {
      stall: r.stall.samples.map((s) => ({
        sent_s: s.sentMs / 1000,
        committed_seen_s: s.committedSeenMs === null ? null : s.committedSeenMs / 1000,
        uncommitted_seen_s: s.uncommittedSeenMs === null ? null : s.uncommittedSeenMs / 1000,
      })),
      kills: r.kills.map((k) => ({ fault: k.fault, pipeline: k.pipeline, at_s: k.atMs / 1000, records: k.records })),
    },
  };
}

export function printSummary(res: Lab07Result) {
  const m = res.metrics;
  const n = res.parameters.events;
  console.log(
    `\n${table(
      m.faults.map((f) => ({
        fault: f.fault,
        pipeline: f.pipeline.id,
        crashes: f.crash ? 1 : f.kills,
        'own exits': f.exits,
        lost: f.audit.lost,
        duplicated: f.audit.duplicated,
        'in log, aborted':
          f.audit.uncommitted_duplicated === null ? '—' : f.audit.uncommitted_duplicated - f.audit.duplicated,
        rejected: f.audit.rejected,
        verdict: f.broken.length ? 'BROKEN' : 'kept',
      })),
      `lab 07: ${n.toLocaleString('en-US')} input records through each pipeline under each fault, audited record by record`,
    )}`,
  );
  for (const f of m.faults) for (const b of f.broken) console.log(`  ${f.fault} ${f.pipeline.id}: ${b}`);
  for (const s of m.skipped) console.log(`  ${s.fault}: skipped (${s.why})`);
  console.log(
    `\n${table(
      m.cost.map((c) => ({
        pipeline: c.pipeline.id,
        'records/s': Math.round(c.per_s),
        'batch p50 ms': c.batch_ms.p50,
        'batch p99 ms': c.batch_ms.p99,
        'records/batch': Math.round(c.batch_records),
      })),
      'the cost of each guarantee: each pipeline alone, no faults',
    )}`,
  );
  const f = m.fencing;
  console.log(
    [
      '',
      `  fencing: A's commit after B only connected: ${f.after_connect.committed ? 'committed' : `failed (${f.after_connect.error})`}; after B's first transaction(): ${f.after_init.committed ? 'COMMITTED (not fenced)' : `failed with ${f.after_init.error}`}; a read_committed reader sees ${f.visible.join(', ')}`,
      `  abandoned transaction (timeout ${m.stall.timeout_ms / 1000} s): read_committed readers saw the next record after ${(m.stall.stall_ms / 1000).toFixed(1)} s, read_uncommitted after ${(m.stall.uncommitted_ms / 1000).toFixed(2)} s`,
      `  transactions/s of one producer by retry.initialRetryTime: ${m.transaction_rate.map((x) => `${x.initial_retry_time_ms} ms → ${x.per_s.toFixed(1)}/s`).join(', ')}`,
    ].join('\n'),
  );
}
