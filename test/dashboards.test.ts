// The Grafana dashboards without Grafana: the committed JSON is what lib/monitoring/dashboards/ builds,
// and every panel names its datasource, a title and a unit, every rate reads `$__rate_interval`, and
// the provisioning names the datasources the panels use. (Their queries run against the live engines
// in lib/monitoring/dashboards/dashboards.test.ts.)
import { describe, expect, test } from 'bun:test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS_DIR, dashboardJson, dashboards } from '../lib/monitoring/dashboards/index.ts';
import { type DashboardJson, panelsOf, queriesOf, rangesOfRates } from '../lib/monitoring/dashboards/queries.ts';

const ROOT = join(import.meta.dir, '..');
const built = Object.entries(dashboards).map(([file, build]) => ({ file, d: build() as unknown as DashboardJson }));
const DATASOURCES = ['txlab-prometheus', 'txlab-mysql'];

describe('the dashboards', () => {
  test('are committed exactly as the code builds them (run `bun run dashboards`)', () => {
    const stale = Object.entries(dashboards)
      .filter(([file, build]) => {
        const path = join(ROOT, DASHBOARDS_DIR, file);
        return !existsSync(path) || readFileSync(path, 'utf8') !== dashboardJson(build());
      })
      .map(([file]) => file);
    expect(stale).toEqual([]);
    expect(readdirSync(join(ROOT, DASHBOARDS_DIR)).sort()).toEqual(Object.keys(dashboards).sort());
  });

  test('have stable, unique uids and titles', () => {
    expect(built.map(({ d }) => d.uid)).toEqual([
      'txlab-pipeline',
      'txlab-kafka',
      'txlab-database',
      'txlab-temporal',
      'txlab-business',
    ]);
    expect(new Set(built.map(({ d }) => d.title)).size).toBe(built.length);
  });

  test('give every panel a title, a provisioned datasource, a unit and a query', () => {
    const problems = built.flatMap(({ d }) =>
      panelsOf(d).flatMap((p) => {
        const at = `${d.uid} › ${p.title || '(untitled)'}`;
        return [
          ...(p.title ? [] : [`${at}: no title`]),
          ...(DATASOURCES.includes(p.datasource?.uid ?? '') ? [] : [`${at}: datasource ${p.datasource?.uid}`]),
          ...(p.fieldConfig?.defaults?.unit ? [] : [`${at}: no unit`]),
          ...(p.targets?.length ? [] : [`${at}: no query`]),
          ...(p.targets ?? [])
            .filter((t) => t.datasource?.uid !== p.datasource?.uid || !(t.expr || t.rawSql))
            .map((t) => `${at} [${t.refId}]: target without the panel's datasource or a query`),
        ];
      }),
    );
    expect(problems).toEqual([]);
  });

  test('give each target of a panel its own refId', () => {
    const repeated = built.flatMap(({ d }) =>
      panelsOf(d)
        .filter((p) => new Set(p.targets?.map((t) => t.refId)).size !== p.targets?.length)
        .map((p) => `${d.uid} › ${p.title}`),
    );
    expect(repeated).toEqual([]);
  });

  test('place panels without overlap', () => {
    const overlaps = built.flatMap(({ d }) => {
      const cells = new Map<string, string>();
      return (d.panels ?? []).flatMap((p) => {
        const g = (p as { gridPos?: { x: number; y: number; w: number; h: number } }).gridPos;
        if (!g || g.x + g.w > 24) return [`${d.uid} › ${p.title}: off the grid`];
        const hits: string[] = [];
        for (let x = g.x; x < g.x + g.w; x++)
          for (let y = g.y; y < g.y + g.h; y++) {
            const other = cells.get(`${x},${y}`);
            if (other) hits.push(`${d.uid} › ${p.title} overlaps ${other}`);
            cells.set(`${x},${y}`, p.title ?? '');
          }
        return [...new Set(hits)];
      });
    });
    expect(overlaps).toEqual([]);
  });

  test('take every rate over $__rate_interval', () => {
    const prom = built.flatMap(({ d }) => queriesOf(d)).filter((q) => q.datasource === 'txlab-prometheus');
    const fixed = prom
      .flatMap((q) => rangesOfRates(q.text).map((range) => ({ at: `${q.dashboard} › ${q.panel} [${q.refId}]`, range })))
      .filter((r) => r.range !== '$__rate_interval');
    expect(fixed).toEqual([]);
    expect(prom.filter((q) => /rate\(|increase\(/.test(q.text)).length).toBeGreaterThan(20);
  });
});

describe('rangesOfRates', () => {
  test('reads the range of each rate, nested selectors and all', () => {
    expect(
      rangesOfRates(
        'histogram_quantile(0.5, sum by (le) (rate(a_bucket{x=~"y"}[$__rate_interval]))) / increase(b[5m]) + irate(c[1m])',
      ),
    ).toEqual(['$__rate_interval', '5m', '1m']);
  });
});

describe('the provisioning', () => {
  const read = (path: string) => Bun.YAML.parse(readFileSync(join(ROOT, 'grafana/provisioning', path), 'utf8'));

  test('defines the datasources the dashboards name, with no literal password', () => {
    const text = readFileSync(join(ROOT, 'grafana/provisioning/datasources/txlab.yaml'), 'utf8');
    const { datasources } = read('datasources/txlab.yaml') as {
      datasources: { uid: string; type: string; url: string; secureJsonData?: { password?: string } }[];
    };
    expect(datasources.map((d) => ({ uid: d.uid, type: d.type }))).toEqual([
      { uid: 'txlab-prometheus', type: 'prometheus' },
      { uid: 'txlab-mysql', type: 'mysql' },
    ]);
    expect(datasources[0]!.url).toBe('http://prometheus:9090');
    expect(datasources[1]!.secureJsonData?.password).toMatch(/^\$\{[A-Z_]+\}$/);
    expect(text).not.toMatch(/password:\s*[^$\s]/);
  });

  test('loads the dashboards folder', () => {
    const { providers } = read('dashboards/txlab.yaml') as { providers: { type: string; options: { path: string } }[] };
    expect(providers.map((p) => ({ type: p.type, path: p.options.path }))).toEqual([
      { type: 'file', path: '/var/lib/grafana/dashboards' },
    ]);
  });
});
