// Writes a lab's results file after validating it against the lab's schema: a file that does not
// match its schema is a bug in the lab, reported here rather than in the notebook. Each run is also kept
// in the lab's history, data/NN-name/<run_id>.json (the last HISTORY_RUNS), which the notebooks compare.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, cpus } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { type Config, config } from '../config.ts';
import { describeIssues } from '../schema.ts';
import type { RunEnvelope } from './common.ts';

export function newRunId(lab: string): string {
  return `${lab}-${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${Math.random().toString(36).slice(2, 6)}`;
}

export function envelope<L extends string>(
  lab: L,
  runId: string,
  startedAt: Date,
  c: Config = config(),
): RunEnvelope & { lab: L } {
  return {
    lab,
    run_id: runId,
    started_at: startedAt.toISOString(),
    ended_at: new Date().toISOString(),
    environment: {
      kafka_brokers: c.kafka.brokers,
      bun_version: Bun.version,
      hostname: hostname(),
      cpus: cpus().length,
    },
  };
}

/** How many runs data/NN-name/ keeps: older ones are removed as new ones arrive. */
export const HISTORY_RUNS = 20;

/**
 * Validates and writes `data/<lab>.json` (the latest run) and `data/<lab>/<run_id>.json` (its history),
 * each atomically (temp file + rename), then prunes the history to the `keep` newest; returns the path.
 */
export function writeResult<S extends z.ZodType>(
  schema: S,
  value: z.input<S>,
  c: Config = config(),
  keep = HISTORY_RUNS,
): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`results do not match their schema: ${describeIssues(parsed.error)}`);
  const { lab, run_id: runId } = parsed.data as { lab: string; run_id?: string };
  const text = JSON.stringify(parsed.data, null, 1);
  mkdirSync(c.dataDir, { recursive: true });
  if (runId !== undefined) {
    if (!/^[\w.-]+$/.test(runId))
      throw new Error(`results of ${lab}: run_id ${JSON.stringify(runId)} is not a file name`);
    const history = join(c.dataDir, lab);
    mkdirSync(history, { recursive: true });
    keepPrevious(join(c.dataDir, `${lab}.json`), history);
    writeAtomically(join(history, `${runId}.json`), text);
    pruneHistory(history, keep);
  }
  const path = join(c.dataDir, `${lab}.json`);
  writeAtomically(path, text);
  return path;
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** The latest run so far, when it is not in the history (it was written before there was one): copied in. */
function keepPrevious(latest: string, history: string): void {
  if (!existsSync(latest)) return;
  let runId: unknown;
  try {
    runId = JSON.parse(readFileSync(latest, 'utf8')).run_id;
  } catch {
    return; // not a run's JSON: nothing to keep
  }
  if (typeof runId !== 'string' || !/^[\w.-]+$/.test(runId)) return;
  const kept = join(history, `${runId}.json`);
  if (existsSync(kept)) return;
  copyFileSync(latest, kept);
  // as old as it is, so that pruning still removes the oldest first
  const { atime, mtime } = statSync(latest);
  utimesSync(kept, atime, mtime);
}

/** Removes all but the `keep` most recently written runs of one lab's history folder. */
function pruneHistory(dir: string, keep: number): void {
  const runs = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
    // newest first; run ids start with their start time, which breaks ties within a clock tick
    .sort((a, b) => b.at - a.at || b.f.localeCompare(a.f));
  for (const { f } of runs.slice(Math.max(keep, 1))) rmSync(join(dir, f), { force: true });
}
