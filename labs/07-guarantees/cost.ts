// What each guarantee costs: every pipeline alone over the same input, no faults, one after another
// (never two at once on a small machine), timed from its first batch done to its last.
import { percentiles } from '../../lib/percentiles.ts';
import { PIPELINES, namesOf, pipelineId } from '../../lib/guarantees/modes.ts';
import { runPipeline } from '../../lib/guarantees/run.ts';
import type { CostRun } from '../../lib/results/lab07.ts';
import { type Round, forgetGroups } from './faults.ts';

export async function measureCost(r: Round): Promise<CostRun[]> {
  const out: CostRun[] = [];
  for (const p of PIPELINES) {
    if (r.signal.aborted) break;
    const run = await runPipeline({
      pipeline: p,
      runId: `${r.runId}.cost`,
      from: r.from,
      to: r.to,
      batch: r.batch,
      onLine: r.onLine,
      signal: r.signal,
    });
    const records = run.batches.reduce((n, b) => n + b.records, 0);
    // the first batch's time is not in busy_ms (it starts the clock), so neither are its records
    const timed = records - (run.batches[0]?.records ?? 0);
    out.push({
      pipeline: { id: pipelineId(p), mode: p.mode, sink: p.sink },
      records,
      busy_ms: run.busyMs,
      per_s: run.busyMs > 0 ? (timed / run.busyMs) * 1000 : 0,
      batch_ms: percentiles(run.batches.map((b) => b.ms)),
      batch_records: run.batches.length ? records / run.batches.length : 0,
    });
  }
  await forgetGroups(r, `${r.runId}.cost`);
  return out;
}
