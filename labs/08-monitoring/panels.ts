// What lab 08 reads back from Prometheus: the PromQL of the pipeline dashboard's panels, taken from the
// dashboard itself (lib/monitoring/dashboards/pipeline.ts) with Grafana's macros filled in as Grafana
// fills them for a 5 s step and a 5 s scrape interval, and the consumer group variable set to the sink's
// group; plus the ConsumerLagGrowing alert's ALERTS series. A missing panel fails at start.
import { pipelineDashboard } from '../../lib/monitoring/dashboards/pipeline.ts';
import { type DashboardJson, expandPromql, queriesOf } from '../../lib/monitoring/dashboards/queries.ts';

export const STEP_S = 5;
/** Grafana's $__rate_interval: max(4 × scrape interval, step + scrape interval), scrape interval 5 s */
export const RATE_INTERVAL = '20s';
export const ALERT = 'ConsumerLagGrowing';

/** The panels (title, target) whose series the lab keeps. */
export const PANELS = {
  acked_per_s: { panel: 'Throughput per stage', refId: 'A' },
  stored_per_s: { panel: 'Throughput per stage', refId: 'B' },
  lag: { panel: 'Consumer lag per group', refId: 'A' },
  event_to_row_p99_s: { panel: 'Event → row latency', refId: 'B' },
  dlq_per_s: { panel: 'Dead letters by reason', refId: 'A' },
} as const;
export type PanelName = keyof typeof PANELS;

/** A value for a PromQL `=~"…"` matcher that matches `s` alone (a regex, inside a double-quoted string). */
const exactly = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\\\${c}`);

/** Each panel's PromQL as Grafana would send it for the sink's consumer group, and the alert's series. */
export function panelQueries(group: string): Record<PanelName | 'alert', string> {
  const dashboard = pipelineDashboard().build() as unknown as DashboardJson;
  const queries = queriesOf(dashboard);
  const variables = (dashboard.templating?.list ?? []).map((v) => v.name);
  const out = {} as Record<PanelName | 'alert', string>;
  for (const [name, { panel, refId }] of Object.entries(PANELS)) {
    const q = queries.find((x) => x.panel === panel && x.refId === refId);
    if (!q) throw new Error(`lab 08: the pipeline dashboard has no panel "${panel}" with target ${refId}`);
    const text = q.text.replaceAll('$__rate_interval', RATE_INTERVAL).replaceAll('$group', exactly(group));
    out[name as PanelName] = expandPromql(text, variables);
  }
  out.alert = `ALERTS{alertname="${ALERT}",consumergroup="${group}"}`;
  return out;
}
