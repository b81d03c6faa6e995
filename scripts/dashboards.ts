// `bun run dashboards`: writes grafana/dashboards/*.json from lib/monitoring/dashboards/, the code they
// are built from. Commit the result; test/dashboards.test.ts fails when the two differ.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS_DIR, dashboardJson, dashboards } from '../lib/monitoring/dashboards/index.ts';

const dir = join(import.meta.dir, '..', DASHBOARDS_DIR);
mkdirSync(dir, { recursive: true });
for (const [file, build] of Object.entries(dashboards)) {
  const d = build();
  writeFileSync(join(dir, file), dashboardJson(d));
  console.log(`${DASHBOARDS_DIR}/${file}  ${d.uid}  ${d.panels?.length ?? 0} panels`);
}
