// The embedded Prometheus (Debian's prometheus 2.42): its own config, data and port under the stack
// dir, bound to loopback, scraping the engines' exporters and every pipeline process that announces
// itself in the targets folder, and evaluating txlab's alerting rules (grafana/alerts/). A system
// Prometheus the package may have started (on 9090) is ignored.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, PROJECT_ROOT } from '../config.ts';
import { targetsDir } from '../metrics.ts';
import { ALERT_RULES, prometheusConfig } from '../monitoring/prometheus-config.ts';
import { MONITORING } from '../monitoring/ports.ts';
import type { Command, Engine } from './engine.ts';
import { httpAnswers, requireTool } from './tools.ts';

const { host } = MONITORING;
const at = (port: number) => `${host}:${port}`;

/** What the embedded Prometheus scrapes: an engine run elsewhere (its variable set) has no exporter here. */
export function scrapeTargets(cfg: Config) {
  return {
    targetsDir: targetsDir(cfg.stackDir),
    prometheus: at(MONITORING.prometheusPort),
    lagExporter: at(MONITORING.lagExporterPort),
    kafkaJmx: cfg.kafka.managed ? at(MONITORING.kafkaJmxPort) : undefined,
    mysqld: cfg.db.managed ? at(MONITORING.mysqldExporterPort) : undefined,
    temporal: cfg.temporal.managed ? at(MONITORING.temporalMetricsPort) : undefined,
    ruleFiles: [join(PROJECT_ROOT, ALERT_RULES)],
  };
}

export function prometheusEngine(cfg: Config): Engine {
  const dir = join(cfg.stackDir, 'prometheus');
  const configFile = join(dir, 'prometheus.yml');
  const dataDir = join(dir, 'data');
  const port = MONITORING.prometheusPort;
  return {
    name: 'prometheus',
    label: 'prometheus',
    managed: true,
    endpoint: `http://${at(port)}`,
    host,
    ports: [{ port, what: 'Prometheus' }],
    dir,
    logFile: join(dir, 'prometheus.log'),
    pidFile: join(dir, 'prometheus.pid'),
    markers: [`--config.file=${configFile}`],
    links: [`targets http://${at(port)}/targets`],
    startTimeoutMs: 60_000,
    stopTimeoutMs: 30_000,
    dataPaths: [dataDir, configFile, join(dir, 'prometheus.log')],
    ready: () => httpAnswers(`http://${at(port)}/-/ready`),
    async prepare(): Promise<Command> {
      const prometheus = requireTool(
        'prometheus',
        'install Prometheus (e.g. `apt-get install prometheus`, or run `bash scripts/setup.sh`)',
      );
      mkdirSync(dataDir, { recursive: true });
      mkdirSync(targetsDir(cfg.stackDir), { recursive: true });
      writeFileSync(configFile, prometheusConfig(scrapeTargets(cfg)));
      return {
        cmd: prometheus,
        args: [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${dataDir}`,
          '--storage.tsdb.retention.time=7d',
          `--web.listen-address=${at(port)}`,
          '--log.level=warn',
        ],
      };
    },
  };
}
