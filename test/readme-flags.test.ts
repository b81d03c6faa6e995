// The README's lab sections name flags (in tables, in commands, in prose); each must be one the lab, or a
// command shown in the same section, really takes: `--help` of each lists them. A renamed flag fails here
// instead of failing the learner who types it.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dir, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** `## Lab NN — …` sections, each up to the next heading of its level or higher. */
function labSections(): { lab: string; text: string }[] {
  const starts = [...readme.matchAll(/^### Lab (\d\d) .*$/gm)];
  return starts.map((m, i) => {
    const from = m.index!;
    const body = from + m[0].length;
    const next = readme.slice(body).search(/^#{2,3} /m);
    return { lab: m[1]!, text: readme.slice(from, next < 0 ? undefined : body + next) };
  });
}

/** The scripts a section runs: `bun run lab:03`, `bun run analyst`, `bun lib/sink/main.ts`. */
function scriptsIn(text: string): string[] {
  const viaRun = [...text.matchAll(/\bbun run ([a-z0-9:-]+)/g)]
    .map((m) => pkg.scripts[m[1]!])
    .filter((s): s is string => s?.startsWith('bun ') === true)
    .map((s) => s.split(' ')[1]!);
  const direct = [...text.matchAll(/\bbun ((?:labs|lib|scripts)\/[\w/.-]+\.ts)/g)].map((m) => m[1]!);
  return [...new Set([...viaRun, ...direct])];
}

const helpCache = new Map<string, string>();
function help(script: string): string {
  let out = helpCache.get(script);
  if (out === undefined) {
    const r = Bun.spawnSync([process.execPath, join(ROOT, script), '--help'], {
      cwd: ROOT,
      stdout: 'pipe',
      stderr: 'pipe',
    });
    out = `${r.stdout.toString()}\n${r.stderr.toString()}`;
    helpCache.set(script, out);
  }
  return out;
}

describe("the README's lab sections", () => {
  for (const { lab, text } of labSections()) {
    test(`lab ${lab}: every flag it names is taken by a command it shows`, () => {
      const scripts = scriptsIn(text);
      expect(scripts.length).toBeGreaterThan(0);
      const flags = [...new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!))];
      const unknown = flags.filter((f) => f !== 'help' && !scripts.some((s) => help(s).includes(`--${f}`)));
      expect({ lab, scripts, unknown }).toEqual({ lab, scripts, unknown: [] });
    }, 60_000);
  }
});
