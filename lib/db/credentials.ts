// The embedded MariaDB's credentials: generated on its first start, kept in one file under the stack
// dir that only this user can read (mode 0600, in a 0700 folder), never printed, never committed.
// `root` sets the server up; the labs, tests and benchmarks log in as `txlab`, which may only work in
// the `txlab…` databases (see lib/stack/mariadb.ts for its grants); `exporter` is Prometheus'
// mysqld-exporter, which may only read the server's status.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const APP_USER = 'txlab';
export const EXPORTER_USER = 'exporter';

export const Credentials = z.object({
  root: z.string().min(16),
  app: z.string().min(16),
  exporter: z.string().min(16),
});
export type Credentials = z.infer<typeof Credentials>;
/** As read from the file: one written before the exporter existed has no `exporter` (ensureCredentials adds it). */
const Stored = Credentials.partial({ exporter: true });
type Stored = z.infer<typeof Stored>;

export const credentialsFile = (stackDir: string) => join(stackDir, 'mariadb', 'credentials.json');

/** The stored credentials, or undefined before the embedded MariaDB's first start. */
export function readCredentials(stackDir: string): Stored | undefined {
  const file = credentialsFile(stackDir);
  if (!existsSync(file)) return undefined;
  const parsed = Stored.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`db: ${file} is not a credentials file; delete it and run \`bun run stack reset db\``);
  return parsed.data;
}

/** The stored credentials, generated (and written 0600, in a 0700 folder) the first time. */
export function ensureCredentials(stackDir: string): Credentials {
  const dir = join(stackDir, 'mariadb');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // also closes the server's socket, which lives here, to other users
  const existing = readCredentials(stackDir);
  if (existing?.exporter) return { ...existing, exporter: existing.exporter };
  const secret = () => randomBytes(24).toString('base64url');
  const created = { root: secret(), app: secret(), ...existing, exporter: secret() };
  writeFileSync(credentialsFile(stackDir), `${JSON.stringify(created, null, 1)}\n`, { mode: 0o600 });
  return created;
}
