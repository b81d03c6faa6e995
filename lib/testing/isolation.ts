// For integration tests and benchmarks: a namespace of their own on the shared engines. One random
// TXLAB_PREFIX renames every topic, consumer group, database, task queue and workflow id the code
// creates (see lib/config.ts), in this process and in every child process given `env`; `cleanup()`
// deletes what exists under it (its topics, its groups, its database), never anything else.
import { type Config, loadConfig } from '../config.ts';
import { dropDatabase } from '../db/connect.ts';
import { createKafka, withAdmin } from '../kafka.ts';

export type Isolated = {
  prefix: string;
  /** TXLAB_PREFIX and the overrides: pass to child processes */
  env: Record<string, string>;
  config: Config;
  cleanup(): Promise<void>;
};

/** `lab03` → `t_lab03_3f9a1c2e`: valid in a topic, group, database and workflow id. */
export function testPrefix(name: string): string {
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 20);
  return `t_${clean}_${crypto.randomUUID().replaceAll('-', '').slice(0, 8)}`;
}

export function isolated(name: string, overrides: Record<string, string> = {}): Isolated {
  const prefix = testPrefix(name);
  const env = { TXLAB_PREFIX: prefix, ...overrides };
  const config = loadConfig({ ...process.env, ...env });
  return {
    prefix,
    env,
    config,
    async cleanup() {
      await withAdmin(createKafka(`cleanup-${prefix}`, config), async (admin) => {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
        if (topics.length) await admin.deleteTopics({ topics });
        const groups = (await admin.listGroups()).groups
          .map((g) => g.groupId)
          .filter((g) => g.startsWith(`${prefix}.`));
        if (groups.length) await admin.deleteGroups(groups).catch(() => {});
      }).catch(() => {});
      await dropDatabase(config.db.url).catch(() => {});
    },
  };
}
