// For integration tests: the real engines, started once for the whole run (ensureStack is idempotent,
// so the first test file starts them and the rest find them up), and names unique to this run so
// tests never see each other's topics, groups or tables.
import { beforeAll, setDefaultTimeout } from 'bun:test';
import { type EngineName, ensureStack } from '../stack/index.ts';

export function useEngines(...engines: EngineName[]) {
  // engine round trips, and labs run as processes, take seconds, not the unit-test default of 5
  setDefaultTimeout(120_000);
  beforeAll(async () => {
    await ensureStack({ engines, quiet: true });
  }, 600_000);
}

/** e.g. `test-transactions-3f9a1c2e`: valid as a topic, group, or SQL identifier. */
export function randomName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 10)}`;
}
