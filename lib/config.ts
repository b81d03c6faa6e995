// The one place that reads the environment. Every knob of the pipeline is here, validated by one zod
// schema, with defaults that point at the embedded stack. A bad value fails at start, listing every
// problem by variable name, instead of surfacing later as a confusing broker or SQL error.
import { resolve } from 'node:path';
import { z } from 'zod';

export const PROJECT_ROOT = resolve(import.meta.dir, '..');

/** Embedded-stack defaults. An endpoint left at its default is started and stopped by `bun run stack`. */
export const EMBEDDED = {
  kafkaBrokers: '127.0.0.1:9092',
  kafkaControllerPort: 9093,
  databaseUrl: 'mysql://root@127.0.0.1:3307/txlab',
  temporalAddress: '127.0.0.1:7233',
  temporalUiPort: 8233,
} as const;

// the custom text is for a value that is not a number at all; a range error keeps zod's own ("Too small: expected number to be >0")
const notANumber = (text: string) => (iss: { code: string }) => (iss.code === 'invalid_type' ? text : undefined);
const num = () => z.coerce.number({ error: notANumber('expected a number') });
const int = (min: number, max: number) => num().int('expected a whole number').min(min).max(max);
const ratio = num().min(0).max(1);
const hostPort = z.string().trim().regex(/^[\w.-]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9092');
const topicName = z.string().trim().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'expected a Kafka topic name (letters, digits, . _ -)');
const sqlName = z.string().trim().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'expected an SQL table name (letters, digits, _)');

export const Env = z.object({
  // endpoints: set one to use an engine you run yourself; the stack then leaves that engine alone
  KAFKA_BROKERS: z
    .string()
    .trim()
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(hostPort).min(1, 'expected at least one broker'))
    .optional(),
  DATABASE_URL: z
    .url({ protocol: /^(mysql|mariadb|singlestore)$/, error: 'expected mysql://user[:password]@host:port/database' })
    .optional(),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TXLAB_STACK_DIR: z.string().trim().min(1).default(resolve(PROJECT_ROOT, '.stack')),
  TXLAB_DATA_DIR: z.string().trim().min(1).default(resolve(PROJECT_ROOT, 'data')),

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

  // topics
  TOPIC_TRANSACTIONS: topicName.default('transactions'),
  TOPIC_DLQ: topicName.default('transactions.dlq'),
  TOPIC_LABELS: topicName.default('transactions.labels'),
  TOPIC_AGGREGATES: topicName.default('transaction_aggregates'),
  TOPIC_ANOMALIES: topicName.default('transaction_anomalies'),
  TOPIC_VERDICTS: topicName.default('transaction_verdicts'),
  TRANSACTIONS_PARTITIONS: int(1, 10_000).default(6),
  REPLICATION_FACTOR: int(1, 16).default(1),

  // the SQL sink (labs 03-04): its consumer group, rows per database transaction, partitions written at once
  SINK_GROUP: z.string().trim().min(1).default('txlab-sink'),
  SINK_BATCH_ROWS: int(1, 20_000).default(1000),
  SINK_CONCURRENCY: int(1, 64).default(3),
  // lab 04's SingleStore-like layout on MariaDB: leaf servers joined by the Spider engine
  SPIDER_LEAF_PORTS: z
    .string()
    .trim()
    .transform((s) => s.split(',').map((p) => Number(p.trim())))
    .pipe(z.array(z.number({ error: 'expected comma-separated ports, e.g. 3308,3309' }).int().min(1).max(65_535)).min(1).max(8))
    .default([3308, 3309]),

  // fraud review (lab 05): rule thresholds, decision scores, the Temporal task queue and its limits
  FRAUD_GROUP: z.string().trim().min(1).default('fraud'),
  FRAUD_TASK_QUEUE: z.string().trim().min(1).default('fraud-review'),
  FRAUD_WORKFLOW_PREFIX: z.string().trim().regex(/^[\w.-]{1,64}$/, 'expected letters, digits, . _ -').default('review'),
  FRAUD_MAX_IN_FLIGHT: int(1, 10_000).default(64),
  FRAUD_HOLD_TIMEOUT_S: num().positive().max(30 * 86_400).default(300),
  FRAUD_MAX_EVENT_AGE_S: num().positive().default(300),
  FRAUD_VELOCITY_COUNT: int(2, 1000).default(5),
  FRAUD_VELOCITY_WINDOW_S: num().positive().max(86_400).default(60),
  FRAUD_HIGH_VALUE_AMOUNT: int(1, Number.MAX_SAFE_INTEGER).default(1_000_000),
  FRAUD_HIGH_VALUE_COUNT: int(1, 100).default(3),
  FRAUD_HIGH_VALUE_OF_LAST: int(1, 100).default(10),
  FRAUD_TRAVEL_KMH: num().positive().default(900),
  FRAUD_TRAVEL_MIN_KM: num().nonnegative().default(100),
  FRAUD_NEW_DEVICE_RATIO: num().nonnegative().default(1),
  FRAUD_OUTLIER_RATIO: num().gt(1).default(10),
  FRAUD_MIN_HISTORY: int(1, 1000).default(5),
  FRAUD_REVIEW_SCORE: ratio.default(0.5),
  FRAUD_DECLINE_SCORE: ratio.default(0.8),
  FRAUD_STATE_MAX_CUSTOMERS: int(1, 100_000_000).default(100_000),
  FRAUD_STATE_IDLE_S: num().positive().default(7 * 86_400),
  FRAUD_VERDICTS_TABLE: sqlName.default('transaction_verdicts'),
  FRAUD_ACTIVITY_LOG_TABLE: sqlName.default('fraud_activity_log'),
  FRAUD_HISTORY_TABLE: sqlName.default('transactions'),
});
export type Env = z.infer<typeof Env>;

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: Env) {
  return {
    kafka: {
      brokers: env.KAFKA_BROKERS ?? [EMBEDDED.kafkaBrokers],
      managed: env.KAFKA_BROKERS === undefined,
    },
    db: { url: env.DATABASE_URL ?? EMBEDDED.databaseUrl, managed: env.DATABASE_URL === undefined },
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
    topics: {
      transactions: env.TOPIC_TRANSACTIONS,
      dlq: env.TOPIC_DLQ,
      labels: env.TOPIC_LABELS,
      aggregates: env.TOPIC_AGGREGATES,
      anomalies: env.TOPIC_ANOMALIES,
      verdicts: env.TOPIC_VERDICTS,
    },
    transactionsPartitions: env.TRANSACTIONS_PARTITIONS,
    replicationFactor: env.REPLICATION_FACTOR,
    sink: { group: env.SINK_GROUP, batchRows: env.SINK_BATCH_ROWS, concurrency: env.SINK_CONCURRENCY },
    spiderLeafPorts: env.SPIDER_LEAF_PORTS,
    fraud: {
      group: env.FRAUD_GROUP,
      taskQueue: env.FRAUD_TASK_QUEUE,
      workflowPrefix: env.FRAUD_WORKFLOW_PREFIX,
      maxInFlight: env.FRAUD_MAX_IN_FLIGHT,
      holdTimeoutMs: env.FRAUD_HOLD_TIMEOUT_S * 1000,
      maxEventAgeMs: env.FRAUD_MAX_EVENT_AGE_S * 1000,
      rules: {
        velocity: { count: env.FRAUD_VELOCITY_COUNT, windowMs: env.FRAUD_VELOCITY_WINDOW_S * 1000 },
        highValue: { amount: env.FRAUD_HIGH_VALUE_AMOUNT, count: env.FRAUD_HIGH_VALUE_COUNT, ofLast: env.FRAUD_HIGH_VALUE_OF_LAST },
        travel: { maxKmh: env.FRAUD_TRAVEL_KMH, minKm: env.FRAUD_TRAVEL_MIN_KM },
        newDevice: { amountRatio: env.FRAUD_NEW_DEVICE_RATIO },
        outlier: { ratio: env.FRAUD_OUTLIER_RATIO },
        minHistory: env.FRAUD_MIN_HISTORY,
      },
      scores: { review: env.FRAUD_REVIEW_SCORE, decline: env.FRAUD_DECLINE_SCORE },
      state: { maxCustomers: env.FRAUD_STATE_MAX_CUSTOMERS, idleMs: env.FRAUD_STATE_IDLE_S * 1000 },
      tables: { verdicts: env.FRAUD_VERDICTS_TABLE, activityLog: env.FRAUD_ACTIVITY_LOG_TABLE, history: env.FRAUD_HISTORY_TABLE },
    },
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
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
