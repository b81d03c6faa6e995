// Every dashboard txlab provisions, by the file it is committed as in grafana/dashboards/.
// `bun run dashboards` (scripts/dashboards.ts) writes them; test/dashboards.test.ts checks they match.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { businessDashboard } from './business.ts';
import { databaseDashboard } from './database.ts';
import { kafkaDashboard } from './kafka.ts';
import { pipelineDashboard } from './pipeline.ts';
import { temporalDashboard } from './temporal.ts';

export const DASHBOARDS_DIR = 'grafana/dashboards';

export const dashboards: Record<string, () => Dashboard> = {
  'pipeline.json': () => pipelineDashboard().build(),
  'kafka.json': () => kafkaDashboard().build(),
  'database.json': () => databaseDashboard().build(),
  'temporal.json': () => temporalDashboard().build(),
  'business.json': () => businessDashboard().build(),
};

/** The committed text of a dashboard: two-space JSON and a final newline. */
export const dashboardJson = (d: Dashboard) => `${JSON.stringify(d, null, 2)}\n`;
