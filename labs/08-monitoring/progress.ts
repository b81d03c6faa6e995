// Lab 08's line a second: the offered rate, what Kafka acknowledged, the sink group's lag (from Kafka)
// and the alert's state (from Prometheus), so the learner sees the lag grow and the alert follow it.
import type { Admin } from 'kafkajs';
import { groupLag, totalLag } from '../../lib/lag.ts';
import type { DeliveryStats } from '../../lib/produce.ts';
import { fmt } from '../../lib/terminal.ts';
import { instantQuery } from './prometheus.ts';
import { rateAt, type Schedule } from './schedule.ts';

export type ProgressSources = {
  admin: Admin;
  group: string;
  topic: string;
  prometheus: string;
  alertQuery: string;
  plan: Schedule;
  t0Ms: number;
  live: DeliveryStats;
  sinkUp: () => boolean;
};

/** Prints the line every second until the returned function is called. */
export function startProgress(o: ProgressSources): () => void {
  const timer = setInterval(async () => {
    const [lag, alert] = await Promise.all([
      groupLag(o.admin, o.group, o.topic).then(totalLag, () => Number.NaN),
      instantQuery(o.prometheus, o.alertQuery).then(
        (s) => s.map((x) => x.labels.alertstate).join('+') || 'inactive',
        () => '?',
      ),
    ]);
    const t = (Date.now() - o.t0Ms) / 1000;
    console.log(
      `t=${t.toFixed(0).padStart(3)} s  rate ${String(rateAt(o.plan, t)).padStart(4)}/s  acked ${fmt(o.live.acked).padStart(7)}  lag ${fmt(lag).padStart(6)}  sink ${o.sinkUp() ? 'up  ' : 'DOWN'}  ConsumerLagGrowing: ${alert}`,
    );
  }, 1000);
  return () => clearInterval(timer);
}
