// prometheus.yml for the embedded Prometheus, as a pure function of what runs: the pipeline's own
// processes found through file_sd (one JSON file each in the targets folder), and the engines' exporters
// at fixed local ports, and the alerting rules of grafana/alerts/. Written by lib/stack/prometheus.ts on
// every start.

export interface ScrapeTargets {
  /** where the pipeline processes announce themselves (lib/monitoring/ports.ts `targetsDir`) */
  targetsDir: string;
  /** host:port of each exporter; an engine run elsewhere (e.g. DATABASE_URL set) has none */
  prometheus: string;
  lagExporter: string;
  kafkaJmx?: string;
  mysqld?: string;
  temporal?: string;
  /** absolute paths of Prometheus rule files to evaluate (ALERT_RULES under the project root) */
  ruleFiles: string[];
}

/** txlab's alerting rules, relative to the project root; the compose file's Prometheus mounts the same file. */
export const ALERT_RULES = 'grafana/alerts/txlab.rules.yml';

export const SCRAPE_INTERVAL_S = 5;
export const FILE_SD_REFRESH_S = 5;

const quote = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar

function staticJob(job: string, target: string): string {
  return `  - job_name: ${quote(job)}
    static_configs:
      - targets: [${quote(target)}]`;
}

export function prometheusConfig(t: ScrapeTargets): string {
  const jobs = [
    staticJob('prometheus', t.prometheus),
    // kafka_consumergroup_lag and friends, named as kafka_exporter names them
    staticJob('kafka-lag', t.lagExporter),
    ...(t.kafkaJmx ? [staticJob('kafka', t.kafkaJmx)] : []),
    ...(t.mysqld ? [staticJob('mysqld', t.mysqld)] : []),
    ...(t.temporal ? [staticJob('temporal', t.temporal)] : []),
    // each file names its own job label (producer, sink, ...), which wins over this job_name
    `  - job_name: "txlab"
    file_sd_configs:
      - files: [${quote(`${t.targetsDir}/*.json`)}]
        refresh_interval: ${FILE_SD_REFRESH_S}s`,
  ];
  return `# written by lib/stack/prometheus.ts on every start; edit lib/monitoring/prometheus-config.ts instead
global:
  scrape_interval: ${SCRAPE_INTERVAL_S}s
  scrape_timeout: ${SCRAPE_INTERVAL_S - 1}s
  evaluation_interval: ${SCRAPE_INTERVAL_S}s
rule_files: [${t.ruleFiles.map(quote).join(', ')}]
scrape_configs:
${jobs.join('\n')}
`;
}
