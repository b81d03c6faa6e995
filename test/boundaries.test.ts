// The layout's boundaries, checked on every import of the tree (README, "Layout"). Each failure names
// the file, the line and the rule it breaks.
import { describe, expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { type Import, readImports, scriptsOf } from './imports.ts';

const ROOT = join(import.meta.dir, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const sourceOf = (file: string) => (file.endsWith('.html') ? scriptsOf(read(file)) : read(file));

function filesUnder(dir: string, pattern: string): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return [...new Bun.Glob(pattern).scanSync({ cwd: join(ROOT, dir) })]
    .map((f) => join(dir, f))
    .filter((f) => !f.includes('node_modules'));
}
const SOURCES = [
  ...['lib', 'labs', 'bench', 'scripts', 'test', 'exercises'].flatMap((d) => filesUnder(d, '**/*.ts')),
  ...filesUnder('notebooks', '*.ts'),
  ...filesUnder('notebooks', '*.html'),
].sort();

/** A relative specifier as a path from the root (`lib/sink/sink.ts`); a package name as it is. */
function target(file: string, spec: string): string {
  return spec.startsWith('.') ? normalize(relative(ROOT, join(ROOT, dirname(file), spec))) : spec;
}

const imports = new Map<string, Import[]>();
const importsOf = (file: string) => {
  let list = imports.get(file);
  if (!list) imports.set(file, (list = readImports(sourceOf(file))));
  return list;
};
const isProject = (t: string) => t.endsWith('.ts') && !t.includes(':');
const isEntryPoint = (file: string) => read(file).startsWith('#!');

// Packages and globals that do I/O: a pure module reaches none of them, however indirectly.
const IO_PACKAGES =
  /^(kafkajs|mysql2|@temporalio\/(client|worker|activity)|bun|node:(fs|net|child_process|os|http|https|dgram|worker_threads))/;
const IO_GLOBALS = /\bBun\.(?!version)|\bprocess\.env\b|\bfetch\(/;

/** Why `file` is not pure (the chain of imports to the first I/O it reaches), or null. */
function impurity(file: string, allow: RegExp, seen = new Set<string>()): string | null {
  if (seen.has(file)) return null;
  seen.add(file);
  if (IO_GLOBALS.test(read(file).replace(/\/\/.*$/gm, ''))) return `${file} uses ${IO_GLOBALS.exec(read(file))![0]}`;
  for (const i of importsOf(file)) {
    if (i.typeOnly) continue;
    const t = target(file, i.from);
    if (!isProject(t)) {
      if (IO_PACKAGES.test(t) || !allow.test(t)) return `${file}:${i.line} imports ${t}`;
      continue;
    }
    const deeper = impurity(t, allow, seen);
    if (deeper) return `${file}:${i.line} → ${deeper}`;
  }
  return null;
}

type Rule = {
  name: string;
  applies: (file: string) => boolean;
  check: (file: string, i: Import, t: string) => string | null;
};

const labOf = (path: string) => /^labs\/(\d\d-[a-z0-9-]+)(\/|\.|$)/.exec(path)?.[1];

const RULES: Rule[] = [
  {
    name: 'lib/ never imports labs/',
    applies: (f) => f.startsWith('lib/'),
    check: (_f, _i, t) => (t.startsWith('labs/') ? 'lab code is not a library' : null),
  },
  {
    name: "lib/ never imports lib/results/ (the results schemas are the labs' and notebooks')",
    applies: (f) => f.startsWith('lib/') && !f.startsWith('lib/results/'),
    check: (_f, _i, t) => (t.startsWith('lib/results/') ? 'a library module depends on a results file format' : null),
  },
  {
    name: 'lib/ never imports the lab runner (lib/lab.ts), except a process entry point',
    applies: (f) => f.startsWith('lib/') && f !== 'lib/lab.ts' && !isEntryPoint(f),
    check: (_f, _i, t) =>
      t === 'lib/lab.ts' ? 'the runner owns signals and process.exit: take sleep/waitFor from lib/wait.ts' : null,
  },
  {
    name: "a lab's own folder serves only that lab (and its exercises)",
    applies: () => true,
    check: (f, _i, t) => {
      const owner = labOf(t);
      if (!owner || !t.startsWith(`labs/${owner}/`)) return null;
      // an exercise exercises/NN-k-name/ belongs to lab NN
      if (f.startsWith(`exercises/${owner.slice(0, 2)}-`)) return null;
      return labOf(f) === owner ? null : `labs/${owner}/ is lab ${owner}'s own: move what others need to lib/`;
    },
  },
  {
    name: 'results schemas take their vocabulary from leaf modules without I/O',
    // write.ts is the I/O edge of the results, and a test is no schema
    applies: (f) => f.startsWith('lib/results/') && f !== 'lib/results/write.ts' && !f.endsWith('.test.ts'),
    check: (f, i, t) => {
      if (i.typeOnly || t === 'zod' || t.startsWith('lib/results/')) return null;
      if (!isProject(t)) return `${t} is not zod`;
      const deps = importsOf(t).filter((d) => !d.typeOnly && target(t, d.from) !== 'zod');
      return deps.length ? `${t} is not a leaf: it imports ${deps.map((d) => d.from).join(', ')}` : null;
    },
  },
  {
    name: 'workflow modules import only types and pure code',
    applies: (f) => /(^|\/)workflows\.ts$/.test(f) && f.startsWith('lib/'),
    check: (f, i, t) => {
      if (i.typeOnly || t === '@temporalio/workflow') return null;
      if (!isProject(t)) return `${t} cannot run in the workflow sandbox`;
      return impurity(t, /^(zod|@temporalio\/workflow)$/);
    },
  },
  {
    name: 'the pure core (schema, generator, fraud detection, windows) does no I/O',
    // lib/windows/ is pure but for its I/O edge: the consumer, its SQL store, metrics, main and process
    applies: (f) =>
      /^lib\/(schema\.ts|generator\/|fraud\/detect\/|fraud\/rules\/|windows\/)/.test(f) &&
      !/^lib\/windows\/(consumer|store|metrics|main|process)\.ts$/.test(f) &&
      !f.endsWith('.test.ts'),
    check: (f, i, t) => {
      if (i.typeOnly) return null;
      if (!isProject(t)) return IO_PACKAGES.test(t) ? `${t} does I/O` : null;
      return impurity(t, /^(zod|@faker-js\/faker)/);
    },
  },
  {
    name: 'notebooks import only results schemas, the notebook helpers (lab.ts, compare.ts) and Plot',
    applies: (f) => f.startsWith('notebooks/'),
    check: (_f, _i, t) =>
      t.startsWith('lib/results/') ||
      t === 'notebooks/lab.ts' ||
      t === 'notebooks/compare.ts' ||
      t === 'zod' ||
      t === '@observablehq/plot'
        ? null
        : `${t} would be bundled into the page`,
  },
];

function violations(): string[] {
  const out: string[] = [];
  for (const file of SOURCES) {
    for (const rule of RULES) {
      if (!rule.applies(file)) continue;
      for (const i of importsOf(file)) {
        const why = rule.check(file, i, target(file, i.from));
        if (why) out.push(`${file}:${i.line} ${i.text}\n    breaks "${rule.name}": ${why}`);
      }
    }
  }
  return out;
}

describe('the layout', () => {
  test('reads the imports of every source file', () => {
    expect(SOURCES.length).toBeGreaterThan(100);
    expect(importsOf('lib/sink/sink.ts').map((i) => target('lib/sink/sink.ts', i.from))).toContain(
      'lib/sink/writer.ts',
    );
  });

  test('keeps every boundary', () => {
    expect(violations()).toEqual([]);
  });
});

describe('readImports', () => {
  test('finds static, multi-line, type-only, re-exported, bare and dynamic imports with their lines', () => {
    const src = [
      "import { a } from './a.ts';",
      "import type { B } from './b.ts';",
      'import {',
      '  type C,',
      '  type D,',
      "} from './cd.ts';",
      "export { e } from './e.ts';",
      "import './side-effect.ts';",
      "const m = await import('./lazy.ts');",
      "import x, { type Y } from './xy.ts';",
    ].join('\n');
    expect(readImports(src).map(({ from, line, typeOnly }) => ({ from, line, typeOnly }))).toEqual([
      { from: './a.ts', line: 1, typeOnly: false },
      { from: './b.ts', line: 2, typeOnly: true },
      { from: './cd.ts', line: 3, typeOnly: true },
      { from: './e.ts', line: 7, typeOnly: false },
      { from: './side-effect.ts', line: 8, typeOnly: false },
      { from: './lazy.ts', line: 9, typeOnly: false },
      { from: './xy.ts', line: 10, typeOnly: false },
    ]);
  });

  test('a violation names the file, the line and the rule', () => {
    const rule = RULES.find((r) => r.name.startsWith('lib/ never imports the lab runner'))!;
    expect(
      rule.check('lib/x.ts', { from: './lab.ts', line: 3, typeOnly: false, text: '' }, target('lib/x.ts', './lab.ts')),
    ).toContain('lib/wait.ts');
  });
});
