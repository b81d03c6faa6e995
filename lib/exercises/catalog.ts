// The exercises on disk: every folder exercises/NN-k-name/ with a check.ts, in course order, and the
// learner's progress (an untracked file, exercises/.progress.json: last outcome and hints seen).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../config.ts';
import type { Exercise } from './define.ts';

export const EXERCISES_DIR = join(PROJECT_ROOT, 'exercises');
const ID = /^(\d\d)-(\d+)-[a-z0-9-]+$/;

export function exerciseIds(): string[] {
  return readdirSync(EXERCISES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && ID.test(d.name) && existsSync(join(EXERCISES_DIR, d.name, 'check.ts')))
    .map((d) => d.name)
    .sort((a, b) => {
      const [, la, ka] = ID.exec(a)!;
      const [, lb, kb] = ID.exec(b)!;
      return Number(la) - Number(lb) || Number(ka) - Number(kb);
    });
}

export const labOf = (id: string) => id.slice(0, 2);

export async function loadExercise(id: string): Promise<Exercise<unknown>> {
  const mod = (await import(join(EXERCISES_DIR, id, 'check.ts'))) as { default: Exercise<unknown> };
  if (mod.default?.id !== id)
    throw new Error(`exercises/${id}/check.ts must default-export defineExercise({ id: '${id}', … })`);
  return mod.default;
}

export type Status = 'done' | 'failing' | 'not started';
export type Progress = Record<string, { status: Status; at: string; hintsSeen: number }>;
const PROGRESS = join(EXERCISES_DIR, '.progress.json');

export function readProgress(): Progress {
  try {
    return JSON.parse(readFileSync(PROGRESS, 'utf8')) as Progress;
  } catch {
    return {};
  }
}

export function saveProgress(p: Progress): void {
  writeFileSync(PROGRESS, `${JSON.stringify(p, null, 2)}\n`);
}
