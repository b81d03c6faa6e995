// Writes a lab's results file after validating it against the lab's schema: a file that does not
// match its schema is a bug in the lab, reported here rather than in the notebook.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
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

/** Validates and writes `data/<lab>.json` atomically (temp file + rename); returns the path. */
export function writeResult<S extends z.ZodType>(schema: S, value: z.input<S>, c: Config = config()): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`results do not match their schema: ${describeIssues(parsed.error)}`);
  const lab = (parsed.data as { lab: string }).lab;
  mkdirSync(c.dataDir, { recursive: true });
  const path = join(c.dataDir, `${lab}.json`);
  writeFileSync(`${path}.tmp`, JSON.stringify(parsed.data, null, 1));
  renameSync(`${path}.tmp`, path);
  return path;
}
