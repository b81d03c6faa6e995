// Exercise 08-2: an alerting rule, proven with `promtool test rules` before it pages anyone. Write the
// part marked TODO; check it with
//   bun run exercise check 08-2-timeout-alert
import { todo } from '../../lib/exercises/missing.ts';

/** A Prometheus alerting rule, as one entry of grafana/alerts/txlab.rules.yml. */
export type AlertRule = {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

/**
 * When ReviewsTimingOut fires, as PromQL and a duration. Its series: lab 05's review workers count
 * every finished review in `txlab_fraud_reviews_finished_total{job, instance, verdict, decided_by}`
 * (a counter; lib/fraud/review/metrics.ts), `decided_by` one of rules, analyst, timeout.
 *
 * One alert per `job` (no other label): more than 20 % of the reviews that finished in the last 5
 * minutes were declined on timeout (no analyst answered), and at least 10 reviews finished in those 5
 * minutes (1 timeout of 2 pages nobody at night); both true for 1 minute. The expression's value is
 * that share (0.25 for 25 %): the annotations below show it.
 */
export function condition(): { expr: string; for: string } {
  // TODO: { expr: '…', for: '…' }: increase() over [5m] per job (sum by (job)), the timeouts'
  // share of all finished reviews, > 0.2, and (`and`) at least 10 finished
  return todo('condition in exercises/08-2-timeout-alert/exercise.ts');
}

export function alertRule(): AlertRule {
  const c = condition();
  return {
    alert: 'ReviewsTimingOut',
    expr: c.expr,
    for: c.for,
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Reviews on {{ $labels.job }} are timing out',
      description:
        '{{ $value | humanizePercentage }} of the reviews that finished on {{ $labels.job }} in the last 5 minutes were declined because no analyst answered: add analysts, or look at why so many transactions are held.',
    },
  };
}

/** The rule file (JSON is YAML), one group, evaluated every 5 s like txlab's own. */
export const rulesFile = (): string =>
  `${JSON.stringify({ groups: [{ name: 'exercise', interval: '5s', rules: [alertRule()] }] }, null, 2)}\n`;
