// The producer's metrics (lib/produce.ts): records sent, acknowledged and failed per topic, and how long
// each send() (one partition's request) took to be acknowledged.
import { Counter, Histogram } from 'prom-client';
import { registry } from './metrics.ts';

const registers = [registry];

export const producerMetrics = {
  sent: new Counter({
    name: 'txlab_producer_records_sent_total',
    help: 'Records handed to the producer, by topic',
    labelNames: ['topic'] as const,
    registers,
  }),
  acked: new Counter({
    name: 'txlab_producer_records_acked_total',
    help: 'Records Kafka acknowledged (acks=all), by topic',
    labelNames: ['topic'] as const,
    registers,
  }),
  failed: new Counter({
    name: 'txlab_producer_records_failed_total',
    help: 'Records whose send failed for good, by topic',
    labelNames: ['topic'] as const,
    registers,
  }),
  sendSeconds: new Histogram({
    name: 'txlab_producer_send_seconds',
    help: 'send() to acknowledgement of one partition request (kafkajs) or of one record (librdkafka), by topic',
    labelNames: ['topic'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  }),
};

/** Counts one partition request's outcome. */
export function recordSend(topic: string, records: number, ms: number, error?: Error) {
  sendRecorder(topic)(records, ms, error);
}

type Recorder = (records: number, ms: number, error?: Error) => void;
const recorders = new Map<string, Recorder>();

/**
 * recordSend for one topic with its label children bound once, so a caller that records every record on its
 * own (librdkafka's reports) pays no label hashing per call.
 */
export function sendRecorder(topic: string): Recorder {
  let r = recorders.get(topic);
  if (r) return r;
  const sent = producerMetrics.sent.labels({ topic });
  const failed = producerMetrics.failed.labels({ topic });
  const acked = producerMetrics.acked.labels({ topic });
  const seconds = producerMetrics.sendSeconds.labels({ topic });
  r = (records, ms, error) => {
    if (records === 0) return;
    sent.inc(records);
    if (error) failed.inc(records);
    else {
      acked.inc(records);
      seconds.observe(ms / 1000);
    }
  };
  recorders.set(topic, r);
  return r;
}
