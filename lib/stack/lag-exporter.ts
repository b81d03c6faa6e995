// txlab's consumer-lag exporter (lib/monitoring/lag-exporter-main.ts) as a stack engine: a Bun process
// on its own loopback port, polling whichever Kafka the config names.
import { join } from 'node:path';
import { type Config, PROJECT_ROOT } from '../config.ts';
import { MONITORING } from '../monitoring/ports.ts';
import type { Command, Engine } from './engine.ts';
import { httpAnswers } from './tools.ts';

const MAIN = join(PROJECT_ROOT, 'lib/monitoring/lag-exporter-main.ts');

export function lagExporterEngine(cfg: Config): Engine {
  const dir = join(cfg.stackDir, 'lag-exporter');
  const { host, lagExporterPort: port } = MONITORING;
  return {
    name: 'lag-exporter',
    label: 'lag-exporter',
    managed: true,
    endpoint: `http://${host}:${port}/metrics`,
    host,
    ports: [{ port, what: 'the consumer-lag exporter' }],
    dir,
    logFile: join(dir, 'lag-exporter.log'),
    pidFile: join(dir, 'lag-exporter.pid'),
    markers: [MAIN],
    startTimeoutMs: 30_000,
    stopTimeoutMs: 10_000,
    dataPaths: [join(dir, 'lag-exporter.log')],
    ready: () => httpAnswers(`http://${host}:${port}/metrics`),
    async prepare(): Promise<Command> {
      return { cmd: process.execPath, args: [MAIN] };
    },
  };
}
