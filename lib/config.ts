// The one place that reads the environment, through one zod schema, once. It holds only what a
// deployment changes: endpoints, folders, seed 004's generator knobs, partitions and replication, and
// one prefix that namespaces every name the pipeline creates. Thresholds and tuning knobs live in code
// beside what they tune (lib/fraud/detect/thresholds.ts, lib/sink/sink.ts), overridable by lab flags and
// recorded in each lab's results. A bad value fails at start, listing every problem by variable name.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

export { ConfigError };

// from this module's folder, which works under Node too (the fraud bench runs a worker bundle there, and
// Node before 20.11 has neither Bun's import.meta.dir nor import.meta.dirname)
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Embedded-stack defaults. An endpoint left at its default is started and stopped by `bun run stack`. */
export const EMBEDDED = {
  kafkaBrokers: '127.0.0.1:9092',
  kafkaControllerPort: 9093,
  // its password is generated on the first start and kept under the stack dir (lib/db/credentials.ts)
  databaseUrl: 'mysql://txlab@127.0.0.1:3307/txlab',
  temporalAddress: '127.0.0.1:7233',
  temporalUiPort: 8233,
} as const;

// the custom text is for a value that is not a number at all; a range error keeps zod's own ("Too small: expected number to be >0")
const notANumber = (text: string) => (iss: { code: string }) => (iss.code === 'invalid_type' ? text : undefined);
const num = () => z.coerce.number({ error: notANumber('expected a number') });
const int = (min: number, max: number) => num().int('expected a whole number').min(min).max(max);
const ratio = num().min(0).max(1);
const hostPort = z
  .string()
  .trim()
  .regex(/^[\w.-]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9092');

export const Env = z.object({
  // endpoints: set one to use an engine you run yourself; the stack then leaves that engine alone
  KAFKA_BROKERS: z
    .string()
    .trim()
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(hostPort).min(1, 'expected at least one broker'))
    .optional(),
  DATABASE_URL: z
    .url({ protocol: /^(mysql|mariadb|singlestore)$/, error: 'expected mysql://user[:password]@host:port/database' })
    .optional(),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TXLAB_STACK_DIR: z.string().trim().min(1).default(resolve(PROJECT_ROOT, '.stack')),
  TXLAB_DATA_DIR: z.string().trim().min(1).default(resolve(PROJECT_ROOT, 'data')),
  // one namespace for every topic, consumer group, database, task queue and workflow id (tests and
  // benchmarks set it to a random value; two pipelines can share the same engines with two prefixes)
  TXLAB_PREFIX: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'expected lower-case letters, digits and _, starting with a letter (at most 40)')
    .optional(),

  // the generator (seed 004's knobs; EVENT_RATE is events per minute, as there)
  EVENT_RATE: num().positive().max(6_000_000).default(100),
  PEAK_FACTOR: num().min(1).max(100).default(2.5),
  FRAUD_RATE: num().min(0).max(0.5).default(0.02),
  DECLINED_RATE: ratio.default(0.05),
  MERCHANT_COUNT: int(1, 1_000_000).default(50),
  CUSTOMER_COUNT: int(1, 10_000_000).default(1000),
  EVENT_INIT_MODE: z.enum(['flush', 'skip']).default('flush'),
  BACKFILL_EVENTS: int(0, 10_000_000).default(20_000),
  SEED: int(0, 2 ** 31 - 1).default(42),

  // the transactions topic's layout (and the topics keyed like it)
  TRANSACTIONS_PARTITIONS: int(1, 10_000).default(6),
  REPLICATION_FACTOR: int(1, 16).default(1),
});
export type Env = z.infer<typeof Env>;

export type Config = ReturnType<typeof toConfig>;

/** Every name the pipeline creates, under one prefix (none by default: `transactions`, `txlab`, ...). */
export function namesFor(prefix: string | undefined) {
  const p = prefix ? `${prefix}.` : '';
  return {
    topics: {
      transactions: `${p}transactions`,
      dlq: `${p}transactions.dlq`,
      labels: `${p}transactions.labels`,
      late: `${p}transactions.late`,
      aggregates: `${p}transaction_aggregates`,
      anomalies: `${p}transaction_anomalies`,
      verdicts: `${p}transaction_verdicts`,
      // lab 07's own copy of the stream and its outputs, so its crashes and duplicates reach no other consumer
      guaranteesInput: `${p}guarantees.input`,
      guaranteesOutput: `${p}guarantees.output`,
    },
    groups: {
      sink: `${p}txlab-sink`,
      fraud: `${p}fraud`,
      windows: `${p}txlab-windows`,
      /** one group per pipeline of lab 07: `<this>.<mode>.<sink>` */
      guarantees: `${p}txlab-guarantees`,
    },
    taskQueue: `${p}fraud-review`,
    workflowPrefix: `${p}review`,
  };
}

/** The database of `url` (or the embedded one), namespaced by the prefix: `txlab` → `txlab_<prefix>`. */
function databaseUrl(url: string, prefix: string | undefined): string {
  if (!prefix) return url;
  const u = new URL(url);
  const base = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'txlab';
  u.pathname = `/${`${base}_${prefix}`.slice(0, 64)}`;
  return u.toString();
}

function toConfig(env: Env) {
  const names = namesFor(env.TXLAB_PREFIX);
  return {
    prefix: env.TXLAB_PREFIX ?? '',
    kafka: {
      brokers: env.KAFKA_BROKERS ?? [EMBEDDED.kafkaBrokers],
      managed: env.KAFKA_BROKERS === undefined,
    },
    db: {
      url: databaseUrl(env.DATABASE_URL ?? EMBEDDED.databaseUrl, env.TXLAB_PREFIX),
      managed: env.DATABASE_URL === undefined,
    },
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? EMBEDDED.temporalAddress,
      namespace: env.TEMPORAL_NAMESPACE,
      managed: env.TEMPORAL_ADDRESS === undefined,
    },
    stackDir: env.TXLAB_STACK_DIR,
    dataDir: env.TXLAB_DATA_DIR,
    generator: {
      eventRatePerMinute: env.EVENT_RATE,
      peakFactor: env.PEAK_FACTOR,
      fraudRate: env.FRAUD_RATE,
      declinedRate: env.DECLINED_RATE,
      merchantCount: env.MERCHANT_COUNT,
      customerCount: env.CUSTOMER_COUNT,
      seed: env.SEED,
    },
    initMode: env.EVENT_INIT_MODE,
    backfillEvents: env.BACKFILL_EVENTS,
    topics: names.topics,
    transactionsPartitions: env.TRANSACTIONS_PARTITIONS,
    replicationFactor: env.REPLICATION_FACTOR,
    sink: { group: names.groups.sink },
    windows: { group: names.groups.windows },
    guarantees: {
      input: names.topics.guaranteesInput,
      output: names.topics.guaranteesOutput,
      groupPrefix: names.groups.guarantees,
    },
    fraud: {
      group: names.groups.fraud,
      taskQueue: names.taskQueue,
      workflowPrefix: names.workflowPrefix,
      // in the (prefixed) database, beside `transactions`, which the reviews read as history
      tables: { verdicts: 'transaction_verdicts', activityLog: 'fraud_activity_log', history: 'transactions' },
    },
  };
}

/** Validates an environment (process.env by default) and returns the typed config, or throws listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(Object.keys(Env.shape).map((k) => [k, env[k]]));
  const parsed = Env.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      return `  ${name}: ${i.message} (got ${JSON.stringify(known[name])})`;
    });
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  return toConfig(parsed.data);
}

let cached: Config | undefined;
/**
 * The process-wide config, read once. For entry points (labs, tools, workers): an invalid environment
 * ends the process with the list of problems and exit code 2, wherever it is first read. Tests and
 * libraries that want the error use loadConfig().
 */
export function config(): Config {
  if (cached) return cached;
  try {
    cached = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`txlab: ${e.message}`);
    process.exit(2);
  }
  return cached;
}
