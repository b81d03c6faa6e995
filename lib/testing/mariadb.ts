// For the database-outage test: a throwaway MariaDB server of its own (free port, data directory in a
// temp dir), so it can be killed and restarted without touching the shared one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalServer, localMariadb } from '../db/local-server.ts';
import { freePort } from '../ports.ts';

export type ThrowawayMariadb = LocalServer & { remove(): void };

export async function throwawayMariadb(): Promise<ThrowawayMariadb> {
  const dir = mkdtempSync(join(tmpdir(), 'txlab-mariadb-'));
  const server = localMariadb(dir, await freePort());
  return { ...server, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
