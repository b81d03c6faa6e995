// A plausible wrong answer to exercise 08-2 (the tests check that its check fails on it): the
// reference solution with `>= 0.2` instead of `> 0.2`: exactly a fifth of the reviews timing out
// already fires, though the rule is "more than 20 %".
/** A Prometheus alerting rule, as one entry of grafana/alerts/txlab.rules.yml. */
export type AlertRule = {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

export function condition(): { expr: string; for: string } {
  // per job, over the same 5 minutes: the timeouts, and every finished review (all verdicts, all deciders)
  const finished = 'sum by (job) (increase(txlab_fraud_reviews_finished_total[5m]))';
  const timedOut = 'sum by (job) (increase(txlab_fraud_reviews_finished_total{decided_by="timeout"}[5m]))';
  // `and` keeps the left side's value (the share) for the jobs where the right side has a result too
  return { expr: `${timedOut} / ${finished} >= 0.2 and ${finished} >= 10`, for: '1m' };
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
