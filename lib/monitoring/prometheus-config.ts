// prometheus.yml for the embedded Prometheus, as a pure function of what runs: the pipeline's own
// processes found through file_sd (one JSON file each in the targets folder), and the engines' exporters
// at fixed local ports. Written by lib/stack/prometheus.ts on every start.

export interface ScrapeTargets {
  /** where the pipeline processes announce themselves (lib/monitoring/ports.ts `targetsDir`) */
  targetsDir: string;
  /** host:port of each exporter; an engine run elsewhere (e.g. DATABASE_URL set) has none */
  prometheus: string;
  lagExporter: string;
  kafkaJmx?: string;
  mysqld?: string;
  temporal?: string;
}

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
scrape_configs:
${jobs.join('\n')}
`;
}
