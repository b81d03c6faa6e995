// The monitoring side of the embedded stack: its fixed local ports (chosen apart from the defaults,
// 9090/9104, that Debian's own prometheus and mysqld-exporter services take) and the folder where
// every pipeline process announces its /metrics endpoint for Prometheus to find (file_sd).
import { join } from 'node:path';

export const MONITORING = {
  host: '127.0.0.1',
  prometheusPort: 9490,
  mysqldExporterPort: 9491,
  lagExporterPort: 9492,
  kafkaJmxPort: 9493,
  temporalMetricsPort: 8234,
} as const;

/** Each process writes `<job>-<pid>.json` here: `[{"targets":["127.0.0.1:<port>"],"labels":{"job":…}}]`. */
export const targetsDir = (stackDir: string) => join(stackDir, 'prometheus', 'targets');
