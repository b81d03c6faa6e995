// Shape of data/02-producer.json.
import { z } from 'zod';
import { Percentiles, RunEnvelope } from './common.ts';

const PhaseStats = z.object({
  events: z.number().int(),
  acked: z.number().int(),
  failed: z.number().int(),
  seconds: z.number(),
  events_per_s: z.number(),
});

export const Lab02Result = RunEnvelope.extend({
  lab: z.literal('02-producer'),
  parameters: z.object({
    duration_s: z.number(),
    /** target base rate, events per second (EVENT_RATE / 60, or --rate) */
    rate_per_s: z.number(),
    /** the rate is × peak_factor from peak_hours_utc[0]:00 to peak_hours_utc[1]:00 UTC */
    peak_factor: z.number(),
    peak_hours_utc: z.tuple([z.number().int(), z.number().int()]),
    backfill_events: z.number().int(),
    init_mode: z.enum(['flush', 'skip']),
    seed: z.number().int(),
    fraud_rate: z.number(),
    declined_rate: z.number(),
    customers: z.number().int(),
    merchants: z.number().int(),
    topic: z.string(),
    /** which client produced: kafkajs (one send() per partition) or librdkafka (bun:ffi) */
    client: z.enum(['kafkajs', 'librdkafka']).default('kafkajs'),
  }),
  metrics: z.object({
    backfill: PhaseStats,
    live: PhaseStats.extend({
      /** share of the live phase's time that fell in peak hours: 0 off-peak, 1 all in peak hours */
      peak_share: z.number().min(0).max(1),
      /** effective target during the run: rate × (1 + (peak_factor − 1) × peak_share) */
      target_rate_per_s: z.number(),
      achieved_rate_per_s: z.number(),
      /** mean gap between the scheduled times of consecutive acked live events (the generator's clock) */
      mean_scheduled_gap_s: z.number(),
      /** mean gap between the moments the requests carrying consecutive acked live events were sent */
      mean_send_gap_s: z.number(),
      /**
       * produce requests (one partition's send()) that carried the acked live events; null with librdkafka,
       * which forms its requests itself, out of the lab's sight
       */
      requests: z.number().int().nullable(),
      /** per acked live event, how long after its scheduled time its request was sent, ms */
      send_delay_ms: Percentiles,
    }),
    fraud_events: z.record(z.string(), z.number().int()),
    /** labeled events / acked events, per phase: FRAUD_RATE up to chance */
    labeled_share: z.object({ backfill: z.number(), live: z.number() }),
    /** labeled fraud patterns, and those not whole on the topic (cut short, or a send failed) */
    fraud_patterns: z.object({ total: z.number().int(), broken: z.number().int() }),
    declined_events: z.number().int(),
    total_events: z.number().int(),
    produce_latency_ms: Percentiles,
    /** true when Ctrl-C / SIGTERM ended the run early: the figures cover what was done until then */
    interrupted: z.boolean(),
  }),
  samples: z.object({
    /** gaps between the scheduled times of consecutive acked live events, seconds (at most 20k): the
     * generator's Poisson clock, and the records' timestamps on the topic (the producer sets them) */
    scheduled_gap_s: z.array(z.number()),
    /** gaps between the moments the producer sent the requests that carried consecutive acked live events,
     * seconds (at most 20k): what reached the broker, in time. Events sent in one request share a moment */
    send_gap_s: z.array(z.number()),
    /** per acked live event, send moment − scheduled time, ms (at most 5k, evenly subsampled) */
    send_delay_ms: z.array(z.number()),
    /** the rate the gaps should follow: λ = effective rate per second during the live phase */
    lambda_per_s: z.number(),
    /** all events (backfill + live) bucketed by event-time hour (UTC) */
    events_per_hour: z.array(z.object({ hour: z.iso.datetime(), events: z.number().int(), peak: z.boolean() })),
    /** send → ack latency per message, ms (at most 5k, evenly subsampled) */
    produce_latency_ms: z.array(z.number()),
    /** one point a second during the live phase */
    progress: z.array(
      z.object({ t_s: z.number(), sent: z.number().int(), acked: z.number().int(), rate_per_s: z.number() }),
    ),
  }),
});
export type Lab02Result = z.infer<typeof Lab02Result>;
