// Peer (b) of `bun run bench windows`: Kafka Streams 4.1.1 (the broker's version) running
// bench/windows/kstreams/CategoryTumbling.java. `prepareKafkaStreams` resolves the jars with Maven (once
// per pom, cached in ~/.m2 and .stack/bench-kstreams) and compiles the topology with javac (once per
// source: the classes sit under the source's hash); `runKafkaStreams` runs it as a child JVM on a topic
// that already holds the input, waits until its consumer group has committed every input and
// repartition record, stops it, and reads its output topic back.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, PROJECT_ROOT } from '../../lib/config.ts';
import { createKafka, ensureTopics, withAdmin } from '../../lib/kafka.ts';
import { requireJava } from '../../lib/stack/kafka.ts';
import { requireTool, runStep } from '../../lib/stack/tools.ts';
import { sleep } from '../../lib/wait.ts';
import {
  OUTPUT_TOPIC_CONFIG,
  type PeerInput,
  type PeerOptions,
  type PeerRun,
  readTopic,
  timings,
  waitGroupDone,
} from './rows.ts';
import { mavenClasspath, sha256, spawnProc, tail } from './tools.ts';

const SRC_DIR = join(PROJECT_ROOT, 'bench/windows/kstreams');
const SOURCE = join(SRC_DIR, 'CategoryTumbling.java');
const POM = join(SRC_DIR, 'pom.xml');
const LOG4J = join(SRC_DIR, 'log4j2.properties');

export type KafkaStreamsBuild = {
  /** the JVM classpath: Kafka Streams' jars and the compiled topology */
  classpath: string;
  resolveMs: number;
  compileMs: number;
  /** both steps came from the cache */
  cached: boolean;
};

/** Jars (Maven, cached) and classes (javac, cached under the source's hash). */
export async function prepareKafkaStreams(cfg: Config): Promise<KafkaStreamsBuild> {
  await requireJava();
  const dir = join(cfg.stackDir, 'bench-kstreams');
  const jars = await mavenClasspath(POM, dir);
  const t0 = performance.now();
  const classes = join(dir, `classes-${sha256(readFileSync(SOURCE), jars.classpath).slice(0, 16)}`);
  const ok = join(classes, '.compiled');
  let compiled = true;
  if (!existsSync(ok)) {
    compiled = false;
    rmSync(classes, { recursive: true, force: true });
    mkdirSync(classes, { recursive: true });
    const javac = requireTool('javac', 'install a JDK 17 or newer (e.g. `apt-get install openjdk-17-jdk-headless`)');
    await runStep(
      'compiling the Kafka Streams topology',
      javac,
      ['-d', classes, '-cp', jars.classpath, '-Xlint:-options', SOURCE],
      { logFile: join(dir, 'setup.log') },
    );
    writeFileSync(ok, `${new Date().toISOString()}\n`);
    for (const old of readdirSync(dir)) // classes of earlier versions of the source
      if (old.startsWith('classes-') && join(dir, old) !== classes)
        rmSync(join(dir, old), { recursive: true, force: true });
  }
  return {
    classpath: `${jars.classpath}:${classes}`,
    resolveMs: jars.ms,
    compileMs: performance.now() - t0,
    cached: jars.cached && compiled,
  };
}

export type KafkaStreamsOptions = PeerOptions & {
  /** stream threads (default 2: one per core of the bench machine) */
  threads?: number;
  /** commit.interval.ms: the caches flush, and closed windows leave, at each commit (default 100) */
  commitMs?: number;
  /** the main consumer's max.partition.fetch.bytes (default 64 KiB, not 1 MiB: see the Java source) */
  fetchBytes?: number;
  /** any other Kafka Streams setting, passed as `--set key=value` */
  settings?: Record<string, string | number>;
};

/** Runs the topology on `input` until everything is committed; the rows are read back from its output topic. */
export async function runKafkaStreams(
  cfg: Config,
  build: KafkaStreamsBuild,
  input: PeerInput,
  opts: KafkaStreamsOptions,
): Promise<PeerRun> {
  const kafka = createKafka('bench-windows-kstreams', cfg, { brokers: [input.bootstrap] });
  const appId = `${opts.prefix}.kstreams-${crypto.randomUUID().slice(0, 6)}`;
  const output = `${opts.prefix}.windows.kstreams`;
  const threads = opts.threads ?? 2;
  const commitMs = opts.commitMs ?? 100;
  const fetchBytes = opts.fetchBytes ?? 64 * 1024;
  await withAdmin(kafka, (admin) =>
    ensureTopics(admin, [{ topic: output, numPartitions: 1, configEntries: OUTPUT_TOPIC_CONFIG }]),
  );
  const stateDir = mkdtempSync(join(tmpdir(), 'txlab-kstreams-'));
  mkdirSync(opts.logDir, { recursive: true });
  let readyAt = 0;
  let dropped: number | undefined;
  const launchedAt = Date.now();
  const proc = spawnProc(
    [
      'java',
      '-Xms256m',
      '-Xmx1g',
      `-Dlog4j2.configurationFile=${LOG4J}`,
      '-cp',
      build.classpath,
      'CategoryTumbling',
      input.bootstrap,
      input.topic,
      output,
      appId,
      String(opts.windowMs),
      String(opts.graceMs),
      '--state-dir',
      stateDir,
      '--threads',
      String(threads),
      '--commit-ms',
      String(commitMs),
      '--fetch-bytes',
      String(fetchBytes),
      ...Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
    ],
    {
      logFile: join(opts.logDir, 'kstreams.log'),
      onLine(line) {
        const running = /^txlab-kstreams: running (\d+)/.exec(line);
        if (running && !readyAt) readyAt = Number(running[1]);
        const d = /^txlab-kstreams: dropped (\d+)/.exec(line);
        if (d) dropped = Number(d[1]);
      },
    },
  );
  try {
    const repartition = `${appId}-by-category-repartition`;
    const done = () =>
      withAdmin(kafka, (admin) =>
        waitGroupDone(
          admin,
          appId,
          async () => ((await admin.listTopics()).includes(repartition) ? [input.topic, repartition] : []),
          {
            timeoutMs: opts.timeoutMs ?? 600_000,
            failed: () => (proc.running() ? undefined : `Kafka Streams exited early:\n${tail(proc)}`),
          },
        ),
      );
    // every event through the repartition first, then the flush (see PeerInput.flush), then everything
    await done();
    await input.flush();
    await done();
  } finally {
    const code = await proc.stop(30_000);
    rmSync(stateDir, { recursive: true, force: true });
    if (code !== 0 && code !== 143) console.error(`windows: Kafka Streams exited with ${code}:\n${tail(proc)}`);
  }
  const out = await readTopic(kafka, output);
  await deleteGroup(kafka, appId);
  if (!readyAt) readyAt = launchedAt;
  const notes = [`${threads} stream threads, commit every ${commitMs} ms, fetches of ${fetchBytes} bytes a partition`];
  if (dropped === undefined) notes.push('dropped records: unknown (no report at exit)');
  else if (dropped > 0) notes.push(`${dropped} records dropped (late beyond the grace, or unreadable)`);
  return {
    engine: 'Kafka Streams 4.1.1',
    rows: out.map((o) => o.row),
    ...timings(input.records, launchedAt, readyAt, out),
    notes,
  };
}

/**
 * Deletes the app's consumer group once its members have timed out (Kafka Streams does not leave the
 * group on close; the topology sets a 10 s session), so the bench's cleanup leaves nothing behind.
 */
async function deleteGroup(kafka: ReturnType<typeof createKafka>, groupId: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await withAdmin(kafka, async (admin) => {
    for (;;) {
      try {
        await admin.deleteGroups([groupId]);
        return;
      } catch {
        if (Date.now() > deadline) return; // the isolation cleanup tries again
        await sleep(1000);
      }
    }
  });
}
