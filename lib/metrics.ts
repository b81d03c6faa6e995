// Every long-running process's Prometheus metrics: one registry that the stages' own metric files
// (lib/produce-metrics.ts, lib/sink/metrics.ts, lib/fraud/metrics.ts, lib/fraud/review/metrics.ts) register
// in, and `serveMetrics`, which serves it on `/metrics` at a free port of 127.0.0.1 and tells Prometheus
// where: a file_sd target file `<stackDir>/prometheus/targets/<job>-<pid>.json`, written atomically and
// removed when the process exits cleanly (a SIGKILLed process's file shows as a down target until the
// next process to serve metrics sweeps files whose pid is gone).
import { existsSync, mkdirSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { config } from './config.ts';

/** The process's registry: stage metric files register here (`registers: [registry]`). */
export const registry = new Registry();

export type MetricsTarget = { job: string; instance: string };
export type MetricsServer = { port: number; url: string; targetFile: string; close(): Promise<void> };

/** Where Prometheus finds its scrape targets (lib/stack/prometheus reads every file there). */
export const targetsDir = (stackDir = config().stackDir) => join(stackDir, 'prometheus', 'targets');

/**
 * Serves the registry on `http://127.0.0.1:<free port>/metrics` and writes its target file; `close()`
 * (or a clean exit) stops the server and removes the file.
 */
export async function serveMetrics(t: MetricsTarget & { dir?: string }): Promise<MetricsServer> {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      if (new URL(req.url).pathname !== '/metrics') return new Response('not found: try /metrics\n', { status: 404 });
      return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
    },
  });
  const port = server.port!;
  const target = writeTarget({ ...t, port });
  return {
    port,
    url: `http://127.0.0.1:${port}/metrics`,
    targetFile: target.path,
    async close() {
      target.remove();
      await server.stop(true);
    },
  };
}

export type TargetFile = { path: string; remove(): void };

/**
 * Writes `[{"targets":["127.0.0.1:<port>"],"labels":{job,instance}}]` to `<dir>/<job>-<pid>.json` (temp
 * file, then rename) and removes it on a clean exit of this process, or on `remove()`.
 */
export function writeTarget(t: MetricsTarget & { port: number; dir?: string }): TargetFile {
  const dir = t.dir ?? targetsDir();
  mkdirSync(dir, { recursive: true });
  sweepDeadTargets(dir);
  const path = join(dir, `${t.job}-${process.pid}.json`);
  const tmp = `${path}.${Math.random().toString(36).slice(2)}.tmp`;
  const body = [{ targets: [`127.0.0.1:${t.port}`], labels: { job: t.job, instance: t.instance } }];
  writeFileSync(tmp, `${JSON.stringify(body)}\n`);
  renameSync(tmp, path);
  const remove = () => {
    process.off('exit', remove);
    try {
      unlinkSync(path);
    } catch {} // gone already
  };
  process.on('exit', remove);
  return { path, remove };
}

/** Removes target files (`<job>-<pid>.json`) whose process no longer exists. */
function sweepDeadTargets(dir: string) {
  for (const f of readdirSync(dir)) {
    const pid = Number(/-(\d+)\.json$/.exec(f)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    const path = join(dir, f);
    try {
      if (existsSync(path)) unlinkSync(path);
    } catch {} // another process swept it
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The samples of a text-format scrape, `name{labels}` → value (tests, and a lab reading a process). */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** Scrapes `url` once, as Prometheus would. */
export async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`scrape ${url}: HTTP ${res.status}`);
  return parseMetrics(await res.text());
}
