// The README is the front door: its configuration table lists exactly the variables lib/config.ts
// reads, and every `bun run` / `npm run` command it shows exists.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Env } from '../lib/config.ts';
import '../lib/fraud/metrics.ts';
import '../lib/fraud/review/metrics.ts';
import { registry } from '../lib/metrics.ts';
import '../lib/produce-metrics.ts';
import '../lib/sink/metrics.ts';
import '../lib/windows/metrics.ts';

const ROOT = join(import.meta.dir, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('the README', () => {
  test('lists every environment variable the config reads, and no other', () => {
    const section = readme.slice(
      readme.indexOf('## Configuration'),
      readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
    );
    const listed = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(Object.keys(Env.shape).sort());
  });

  test('lists every metric the stages define, and no other', () => {
    const section = readme.slice(
      readme.indexOf('## Metrics'),
      readme.indexOf('\n## ', readme.indexOf('## Metrics') + 1),
    );
    const listed = [...section.matchAll(/^\| `(txlab_[a-z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(
      registry
        .getMetricsAsArray()
        .map((m) => m.name)
        .sort(),
    );
  });

  test('shows only package scripts that exist', () => {
    const shown = new Set([...readme.matchAll(/\b(?:bun|npm) run ([a-z0-9:-]+)/g)].map((m) => m[1]!));
    expect([...shown].filter((s) => !(s in pkg.scripts))).toEqual([]);
  });
});
