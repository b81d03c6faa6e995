#!/usr/bin/env bun
// `bun run exercise <command>`: the course's exercises (exercises/NN-k-name/).
//   list              every exercise, its status (done / failing / not started) and the next one to do
//   next              the next exercise: its goal and where to write
//   check ID          runs the check on your code (--solution: on the reference)
//   hint ID           the next hint, one at a time
//   solution ID       prints the reference solution
//   reset ID          puts your file back as it was in the repository (git)
//   watch ID          checks again every time you save a file of the exercise
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/config.ts';
import {
  EXERCISES_DIR,
  exerciseIds,
  labOf,
  loadExercise,
  type Progress,
  readProgress,
  saveProgress,
  type Status,
} from '../lib/exercises/catalog.ts';
import { hintsOf } from '../lib/exercises/hints.ts';
import { describeOutcome, runCheck } from '../lib/exercises/run.ts';
import { UsageError } from '../lib/errors.ts';
import { runLab } from '../lib/lab.ts';
import { ensureStack } from '../lib/stack/index.ts';

const USAGE = `usage: bun run exercise <command> [ID]
  list              every exercise, its status, and the next one to do
  next              the next exercise to do
  check ID          check your code on the real engines (--solution: check the reference)
  hint ID           the next hint
  solution ID       print the reference solution
  reset ID          put exercises/ID/exercise.ts back as it is in the repository
  watch ID          check again on every save
IDs: ${exerciseIds().join(', ')}`;

await runLab('exercise', async ({ signal }) => {
  const [command, id, ...rest] = Bun.argv.slice(2);
  const progress = readProgress();
  const need = async () => {
    if (!id) throw new UsageError(`${command} needs an exercise id\n\n${USAGE}`);
    if (!exerciseIds().includes(id)) throw new UsageError(`no exercise ${id}\n\n${USAGE}`);
    return loadExercise(id);
  };
  const file = (name: string) => join(EXERCISES_DIR, id!, name);

  switch (command) {
    case 'list':
      return list(progress);
    case 'next': {
      const next = nextUp(progress);
      if (!next) return console.log('every exercise is done.');
      const e = await loadExercise(next);
      console.log(`next: ${e.id} — ${e.title} (~${e.minutes} min)\n  ${e.teaches}`);
      console.log(
        `  read exercises/${e.id}/README.md, write in exercises/${e.id}/exercise.ts, then: bun run exercise check ${e.id}`,
      );
      return;
    }
    case 'check': {
      const e = await need();
      await ensureStack({ engines: e.engines });
      const o = await runCheck(e, rest.includes('--solution') ? 'solution' : 'learner');
      console.log(describeOutcome(e, o));
      if (o.ran === 'learner') record(progress, e.id, o.notStarted ? 'not started' : o.ok ? 'done' : 'failing');
      if (!o.ok) process.exitCode = 1;
      return;
    }
    case 'hint': {
      const e = await need();
      const hints = hintsOf(readFileSync(file('README.md'), 'utf8'));
      const seen = progress[e.id]?.hintsSeen ?? 0;
      if (hints.length === 0) return console.log(`${e.id} has no hints`);
      const n = Math.min(seen, hints.length - 1);
      console.log(`hint ${n + 1} of ${hints.length} for ${e.id}:\n\n${hints[n]}`);
      progress[e.id] = {
        ...(progress[e.id] ?? { status: 'not started', at: new Date().toISOString() }),
        hintsSeen: n + 1,
      };
      saveProgress(progress);
      return;
    }
    case 'solution': {
      await need();
      console.log(`exercises/${id}/solution.ts:\n\n${readFileSync(file('solution.ts'), 'utf8')}`);
      return;
    }
    case 'reset': {
      await need();
      const rel = `exercises/${id}/exercise.ts`;
      // your version is kept beside it, in case the reset was a slip
      const backup = `${file('exercise.ts')}.bak`;
      writeFileSync(backup, readFileSync(file('exercise.ts')));
      try {
        execFileSync('git', ['checkout', '--', rel], { cwd: PROJECT_ROOT, stdio: 'pipe' });
      } catch (e) {
        throw new UsageError(
          `could not restore ${rel} from git: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`,
        );
      }
      record(progress, id!, 'not started');
      console.log(`${rel} is back as it is in the repository (yours is in ${rel}.bak)`);
      return;
    }
    case 'watch': {
      const e = await need();
      await ensureStack({ engines: e.engines });
      console.log(`watching exercises/${e.id}/ — save a file to check it again (Ctrl-C to stop)`);
      let running = false;
      let again = false;
      const once = async () => {
        if (running) return void (again = true);
        running = true;
        // a fresh import of the learner's file each time: a query string makes Bun load it again
        const fresh = { ...e, learner: () => import(`${file('exercise.ts')}?t=${Date.now()}`) };
        const o = await runCheck(fresh, 'learner');
        console.log(`\n${describeOutcome(e, o)}`);
        record(progress, e.id, o.notStarted ? 'not started' : o.ok ? 'done' : 'failing');
        running = false;
        if (again) {
          again = false;
          void once();
        }
      };
      await once();
      const w = watch(join(EXERCISES_DIR, e.id), (_, name) => {
        if (name?.endsWith('.ts') && !name.endsWith('check.ts')) void once();
      });
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      w.close();
      return;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}\n\n${USAGE}` : USAGE);
  }
});

function record(progress: Progress, id: string, status: Status) {
  progress[id] = { hintsSeen: progress[id]?.hintsSeen ?? 0, status, at: new Date().toISOString() };
  saveProgress(progress);
}

function nextUp(progress: Progress): string | undefined {
  return exerciseIds().find((id) => progress[id]?.status !== 'done');
}

async function list(progress: Progress) {
  const next = nextUp(progress);
  let lab = '';
  for (const id of exerciseIds()) {
    const e = await loadExercise(id);
    if (labOf(id) !== lab) {
      lab = labOf(id);
      console.log(`\nlab ${lab}`);
    }
    const status = progress[id]?.status ?? 'not started';
    const mark = status === 'done' ? '✓' : status === 'failing' ? '✗' : ' ';
    const started = existsSync(join(EXERCISES_DIR, id, 'exercise.ts')) ? '' : ' (exercise.ts missing)';
    console.log(
      `  ${mark} ${id.padEnd(32)} ${status.padEnd(12)} ~${String(e.minutes).padStart(2)} min  ${e.title}${started}${id === next ? '   ← next' : ''}`,
    );
  }
  console.log(`\nbun run exercise check <ID> · hint <ID> · solution <ID> · reset <ID> · watch <ID>`);
}
