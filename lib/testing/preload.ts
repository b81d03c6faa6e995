// Preloaded by `bun test` (bunfig.toml): the real engines, started once before the first test file,
// so no test pays for a cold start inside its own timeout and a missing prerequisite fails the run
// at once with the stack's one-line message.
import { beforeAll } from 'bun:test';
import { ENGINE_NAMES, ensureStack } from '../stack/index.ts';

beforeAll(async () => {
  await ensureStack({ engines: [...ENGINE_NAMES], quiet: true });
}, 900_000);
