// What `bun run reset` deletes, decided from what exists: the labs' topics, consumer groups and database
// in the configured namespace (TXLAB_PREFIX, none by default), and with `leftovers` the namespaces that
// tests, benchmarks and lab 09's ceiling left behind when they were killed before their cleanup. Never a
// name the project did not make: a topic or group of your own on the same cluster stays.
import type { Config } from '../../lib/config.ts';

export type Existing = { topics: string[]; groups: string[]; databases: string[] };
export type ResetPlan = { topics: string[]; groups: string[]; databases: string[] };

/** `t_lab03_3f9a1c2e`: the shape of lib/testing/isolation.ts's testPrefix. */
const TEST_NAMESPACE = /^t_[a-z0-9_]{1,20}_[0-9a-f]{8}$/;

/** `_lab04` after the pipeline's database name: a lab's own database. */
const LAB_DB = /^_lab\d\d$/;

const namespaceOf = (name: string) => name.split('.')[0] ?? '';

export function resetPlan(c: Config, existing: Existing, opts: { leftovers: boolean }): ResetPlan {
  const ours = new Set(Object.values(c.topics));
  // the pipeline's groups, a lab's run-scoped ones under them (`txlab-sink.<run>`), lab 07's per pipeline,
  // and the short-lived readers named after the topic they read (`guarantees.output.audit-1a2b3c4d`)
  const groupRoots = [c.sink.group, c.windows.group, c.fraud.group, c.guarantees.groupPrefix, ...ours];
  const isOurGroup = (g: string) => groupRoots.some((r) => g === r || g.startsWith(`${r}.`));
  const isLeftover = (name: string) => opts.leftovers && name.includes('.') && TEST_NAMESPACE.test(namespaceOf(name));
  const database = c.db.url.replace(/^.*\//, '').replace(/\?.*$/, '');
  const base = decodeURIComponent(database);
  const leftoverDb = (d: string) =>
    opts.leftovers && d.startsWith(`${base}_`) && TEST_NAMESPACE.test(d.slice(base.length + 1));
  return {
    // lab 07 writes one output topic per pipeline under guarantees.output (`guarantees.output.exactly-once`)
    topics: existing.topics
      .filter((t) => ours.has(t) || t.startsWith(`${c.guarantees.output}.`) || isLeftover(t))
      .sort(),
    groups: existing.groups.filter((g) => isOurGroup(g) || isLeftover(g)).sort(),
    // the pipeline's database, and a lab's own beside it (lab 04 loads into `txlab_lab04`)
    databases: existing.databases
      .filter((d) => d === base || (d.startsWith(base) && LAB_DB.test(d.slice(base.length))) || leftoverDb(d))
      .sort(),
  };
}
