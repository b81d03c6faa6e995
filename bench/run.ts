#!/usr/bin/env bun
// `bun run bench [name…] [--flag value…]`: runs each benchmark in bench/*.bench.ts (or the named ones)
// as its own process, one after another so they do not compete for the two cores; each prints its
// figures and writes them to data/bench-*.json. Flags go to every benchmark run (`bun run bench sink
// --help`). Benchmarks are never part of `bun test`.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PROJECT_ROOT } from '../lib/config.ts';

const dir = join(PROJECT_ROOT, 'bench');
const args = Bun.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('-'));
const wanted = firstFlag < 0 ? args : args.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : args.slice(firstFlag);
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const unknown = wanted.filter((w) => !all.includes(`${w}.bench.ts`));
if (unknown.length) {
  console.error(
    `bench: no benchmark named ${unknown.join(', ')}; there are: ${all.map((f) => basename(f, '.bench.ts')).join(', ')}`,
  );
  process.exit(2);
}
const chosen = wanted.length ? wanted.map((w) => `${w}.bench.ts`) : all;
let failed = 0;
for (const file of chosen) {
  console.log(`\n== bench ${basename(file, '.bench.ts')}`);
  const proc = Bun.spawn([process.execPath, join(dir, file), ...flags], {
    cwd: PROJECT_ROOT,
    stdout: 'inherit',
    stderr: 'inherit',
  });
  const code = await proc.exited;
  if (code !== 0) {
    failed++;
    console.error(`bench: ${file} exited with ${code}`);
  }
}
process.exit(failed ? 1 : 0);
