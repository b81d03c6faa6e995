// The monitoring side of the embedded stack: its fixed local ports, chosen apart from the defaults
// (9090/9104) that Debian's own prometheus and mysqld-exporter services take.

export const MONITORING = {
  host: '127.0.0.1',
  prometheusPort: 9490,
  mysqldExporterPort: 9491,
  lagExporterPort: 9492,
  kafkaJmxPort: 9493,
  temporalMetricsPort: 8234,
} as const;
