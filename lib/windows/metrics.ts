// The windows consumer's metrics: what it read, emitted and judged late, its watermark and how far it
// trails the wall clock, the state it holds, and how long a window waits between its end and its result.
import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../metrics.ts';

const registers = [registry];

export const windowsMetrics = {
  events: new Counter({ name: 'txlab_windows_events_total', help: 'Events read and windowed', registers }),
  rejected: new Counter({
    name: 'txlab_windows_rejected_total',
    help: 'Messages that are not valid transactions (the sink dead-letters them), skipped here',
    registers,
  }),
  late: new Counter({
    name: 'txlab_windows_late_events_total',
    help: 'Events a view closed without, by view and reason (watermark: behind its partition; closed: window already emitted)',
    labelNames: ['view', 'reason'] as const,
    registers,
  }),
  results: new Counter({
    name: 'txlab_windows_results_total',
    help: 'Final window results emitted, by view',
    labelNames: ['view'] as const,
    registers,
  }),
  anomalies: new Counter({
    name: 'txlab_windows_anomalies_total',
    help: 'Anomalies flagged, by reason',
    labelNames: ['reason'] as const,
    registers,
  }),
  watermarkLag: new Gauge({
    name: 'txlab_windows_watermark_lag_seconds',
    help: 'Wall clock minus the operator watermark',
    registers,
  }),
  openPanes: new Gauge({ name: 'txlab_windows_open_panes', help: 'Windows held open (the state)', registers }),
  idlePartitions: new Gauge({
    name: 'txlab_windows_idle_partitions',
    help: 'Assigned partitions left out of the watermark as idle',
    registers,
  }),
  closeDelay: new Histogram({
    name: 'txlab_windows_result_delay_seconds',
    help: "A window's end to its result persisted",
    buckets: [0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120],
    registers,
  }),
};
