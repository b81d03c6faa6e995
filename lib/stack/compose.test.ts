// compose/docker-compose.yml, checked without a Docker engine: Debian's docker-compose 1.29 validates it
// (`config -q`, with compose/.env.example's values), every port is published on 127.0.0.1, and every
// host path it mounts exists in the repository (grafana/dashboards and grafana/provisioning, written by
// the dashboards build, only have to be mounted).
import { describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../config.ts';
import { requireTool, run } from './tools.ts';

const dir = join(PROJECT_ROOT, 'compose');
const file = join(dir, 'docker-compose.yml');
type Service = { ports?: string[]; volumes?: string[]; environment?: Record<string, string> };
const compose = () => Bun.YAML.parse(readFileSync(file, 'utf8')) as { name: string; services: Record<string, Service> };
// validates the file without a Docker engine; scripts/setup.sh installs it (Debian's 1.29)
const dockerCompose = requireTool('docker-compose', 'apt-get install docker-compose (or run bash scripts/setup.sh)');

/** Host paths (relative to compose/) of the bind mounts, as paths under the repository. */
const bindMounts = () =>
  Object.values(compose().services)
    .flatMap((s) => s.volumes ?? [])
    .map((v) => v.split(':')[0]!)
    .filter((src) => src.startsWith('.'))
    .map((src) => relative(PROJECT_ROOT, resolve(dir, src)));

describe('compose/docker-compose.yml', () => {
  test('passes `docker-compose config -q`', async () => {
    // 1.29 predates the Compose specification's top-level `name`; the rest it validates as is
    const { name: _, ...rest } = compose();
    const copy = join(mkdtempSync(join(tmpdir(), 'txlab-compose-')), 'docker-compose.yml');
    writeFileSync(copy, JSON.stringify(rest));
    const r = await run(dockerCompose, [
      '-f',
      copy,
      '--project-directory',
      dir,
      '--env-file',
      join(dir, '.env.example'),
      'config',
      '-q',
    ]);
    expect({ code: r.code, output: `${r.stdout}${r.stderr}` }).toEqual({ code: 0, output: '' });
  });

  test('publishes every port on 127.0.0.1 only', () => {
    const ports = Object.values(compose().services).flatMap((s) => s.ports ?? []);
    expect(ports.filter((p) => !p.startsWith('127.0.0.1:'))).toEqual([]);
    expect(ports).toContain('127.0.0.1:9090:9090');
    expect(ports).toContain('127.0.0.1:3000:3000');
  });

  test('mounts only paths of the repository, and Grafana’s provisioning, dashboards and the alert rules', () => {
    const mounts = bindMounts();
    expect(
      mounts.filter(
        (m) =>
          !m.startsWith('grafana/dashboards') &&
          !m.startsWith('grafana/provisioning') &&
          !existsSync(join(PROJECT_ROOT, m)),
      ),
    ).toEqual([]);
    expect(mounts).toEqual(
      expect.arrayContaining([
        'grafana/alerts',
        'grafana/provisioning',
        'grafana/dashboards',
        'compose/prometheus.yml',
      ]),
    );
  });

  test('takes the Grafana admin password from compose/.env, never a literal', () => {
    const env = compose().services.grafana!.environment!;
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toStartWith('${GRAFANA_ADMIN_PASSWORD:?');
    expect(readFileSync(join(dir, '.env.example'), 'utf8')).toContain('GRAFANA_ADMIN_PASSWORD=');
  });
});
