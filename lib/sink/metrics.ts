// The sink's metrics, beside its counters (counters.ts, which lab 03 reads over IPC): what it read,
// stored, skipped as duplicates and dead-lettered, how large and how slow its database writes are,
// how long an event waits between entering Kafka and its row being committed, and what it holds.
import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../metrics.ts';
import type { SinkRow } from './rows.ts';
import { REJECT_REASONS, type RejectReason } from './counters.ts';

const registers = [registry];

export const sinkMetrics = {
  messages: new Counter({ name: 'txlab_sink_messages_total', help: 'Messages read from the topic', registers }),
  rowsStored: new Counter({
    name: 'txlab_sink_rows_stored_total',
    help: 'Rows inserted (new transactions)',
    registers,
  }),
  duplicates: new Counter({
    name: 'txlab_sink_duplicates_total',
    help: 'Rows already stored with the same content (redeliveries), skipped',
    registers,
  }),
  deadLetters: new Counter({
    name: 'txlab_sink_dead_letters_total',
    help: 'Messages sent to the dead-letter topic, by reason',
    labelNames: ['reason'] as const,
    registers,
  }),
  retries: new Counter({
    name: 'txlab_sink_retries_total',
    help: 'Retried database writes and dead-letter sends',
    registers,
  }),
  offsetsCommitted: new Counter({
    name: 'txlab_sink_offset_commits_total',
    help: 'Offset commits that succeeded',
    registers,
  }),
  batchRows: new Histogram({
    name: 'txlab_sink_batch_rows',
    help: 'Valid rows per database transaction',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 20_000],
    registers,
  }),
  writeSeconds: new Histogram({
    name: 'txlab_sink_write_seconds',
    help: 'Time of one database transaction (rows and aggregates)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  }),
  eventToRowSeconds: new Histogram({
    name: 'txlab_sink_event_to_row_seconds',
    help: "Kafka record timestamp (the event's time, as producers here set it) to its row committed",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers,
  }),
  assignedPartitions: new Gauge({
    name: 'txlab_sink_assigned_partitions',
    help: 'Partitions of the topic this sink holds since it last joined the group',
    registers,
  }),
};

// every reason appears at 0, so a rate() over it reads 0 rather than nothing
for (const reason of REJECT_REASONS) sinkMetrics.deadLetters.inc({ reason }, 0);

/** One committed database write: its size, what was new (the latency is of new rows only), when it committed. */
export function observeWrite(
  w: { rows: number; inserted: number; insertedRows: readonly SinkRow[]; duplicates: number; dbMs: number },
  committedAtMs = Date.now(),
) {
  sinkMetrics.rowsStored.inc(w.inserted);
  sinkMetrics.duplicates.inc(w.duplicates);
  sinkMetrics.batchRows.observe(w.rows);
  sinkMetrics.writeSeconds.observe(w.dbMs / 1000);
  for (const r of w.insertedRows)
    if (r.origin && Number.isFinite(r.origin.timestampMs))
      sinkMetrics.eventToRowSeconds.observe(Math.max(0, committedAtMs - r.origin.timestampMs) / 1000);
}

export const observeDeadLetter = (reason: RejectReason) => sinkMetrics.deadLetters.inc({ reason });
