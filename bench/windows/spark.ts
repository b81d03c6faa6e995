// Peer (c) of `bun run bench windows`: Spark Structured Streaming (pyspark) running
// bench/windows/spark/category_tumbling.py. `prepareSpark` makes a venv with pyspark from PyPI under
// ~/.cache/txlab/spark (once per version) and resolves spark-sql-kafka-0-10 at the same version with
// Maven (once per pom; Spark's own jars come with pyspark and are left out); `runSpark` runs the job with
// Trigger.AvailableNow on a topic that already holds the input (it exits once the watermark has closed
// what it can), and reads its output topic back.
//
// The version: 4.1.1, because the Maven repository this project reaches has spark-sql-kafka-0-10 and
// spark-token-provider-kafka-0-10 together only at 4.1.1 and 4.2.0 among the 4.x releases; 4.1 runs on
// Java 17 and Python 3.10+.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type Config, PROJECT_ROOT } from '../../lib/config.ts';
import { createKafka, ensureTopics, withAdmin } from '../../lib/kafka.ts';
import { requireJava } from '../../lib/stack/kafka.ts';
import { classpathEntries } from '../../lib/stack/kafka-config.ts';
import { requireTool, run, runStep } from '../../lib/stack/tools.ts';
import { OUTPUT_TOPIC_CONFIG, type PeerInput, type PeerOptions, type PeerRun, readTopic, timings } from './rows.ts';
import { mavenClasspath, spawnProc, tail } from './tools.ts';

export const SPARK_VERSION = '4.1.1';
const SRC_DIR = join(PROJECT_ROOT, 'bench/windows/spark');
const SCRIPT = join(SRC_DIR, 'category_tumbling.py');
const POM = join(SRC_DIR, 'pom.xml');
/** Points the extra repository of Spark's parent POM (unreachable here) at nothing, so Maven goes on to Central. */
const SETTINGS = join(SRC_DIR, 'settings.xml');
export const SPARK_CACHE = join(homedir(), '.cache/txlab/spark');

export type SparkBuild = {
  python: string;
  /** spark-sql-kafka and its dependencies that pyspark does not ship, comma-separated for spark.jars */
  jars: string;
  cached: boolean;
  detail: string;
};

/** The venv with pyspark (pip, cached) and the Kafka connector's jars (Maven, cached). */
export async function prepareSpark(_cfg: Config): Promise<SparkBuild> {
  await requireJava();
  const python3 = requireTool('python3', 'install Python 3.10 or newer (e.g. `apt-get install python3 python3-venv`)');
  const v = await run(python3, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
  const [major, minor] = v.stdout.trim().split('.').map(Number);
  if (!(major === 3 && minor! >= 10))
    throw new Error(`windows: pyspark ${SPARK_VERSION} needs Python 3.10 or newer, found ${v.stdout.trim()}`);
  const venv = join(SPARK_CACHE, `venv-${SPARK_VERSION}`);
  const python = join(venv, 'bin/python');
  const ok = join(venv, '.txlab-installed');
  const log = join(SPARK_CACHE, 'setup.log');
  mkdirSync(SPARK_CACHE, { recursive: true });
  let pipMs = 0;
  const venvCached = existsSync(ok);
  if (!venvCached) {
    console.error(`windows: installing pyspark ${SPARK_VERSION} into ${venv} (once, ~400 MB)`);
    const t0 = performance.now();
    rmSync(venv, { recursive: true, force: true });
    await runStep('creating the Spark venv', python3, ['-m', 'venv', venv], { logFile: log });
    await runStep(
      `installing pyspark ${SPARK_VERSION}`,
      python,
      ['-m', 'pip', 'install', '-q', `pyspark==${SPARK_VERSION}`],
      {
        logFile: log,
      },
    );
    writeFileSync(ok, `${new Date().toISOString()}\n`);
    pipMs = performance.now() - t0;
  }
  const site = (
    await runStep('locating pyspark', python, ['-c', 'import pyspark, os; print(os.path.dirname(pyspark.__file__))'])
  ).trim();
  const shipped = new Set(readdirSync(join(site, 'jars')).map(artifactOf));
  const cp = await mavenClasspath(POM, join(SPARK_CACHE, 'connector'), ['-s', SETTINGS, '-DincludeScope=runtime']);
  const jars = classpathEntries(cp.classpath).filter((j) => !shipped.has(artifactOf(basename(j))));
  return {
    python,
    jars: jars.join(','),
    cached: venvCached && cp.cached,
    detail: `pyspark ${SPARK_VERSION} ${venvCached ? 'cached' : `pip ${Math.round(pipMs)} ms`}, connector jars ${cp.cached ? 'cached' : `${Math.round(cp.ms)} ms`} (${jars.map((j) => basename(j)).join(', ')})`,
  };
}

/** `kafka-clients-3.9.1.jar` → `kafka-clients`: a jar's artifact, without its version. */
const artifactOf = (jar: string) => jar.replace(/\.jar$/, '').replace(/-\d[\w.-]*$/, '');

export type SparkOptions = PeerOptions & { cores?: number; shufflePartitions?: number };

export async function runSpark(cfg: Config, build: SparkBuild, input: PeerInput, opts: SparkOptions): Promise<PeerRun> {
  const kafka = createKafka('bench-windows-spark', cfg, { brokers: [input.bootstrap] });
  const output = `${opts.prefix}.windows.spark`;
  await withAdmin(kafka, (admin) =>
    ensureTopics(admin, [{ topic: output, numPartitions: 1, configEntries: OUTPUT_TOPIC_CONFIG }]),
  );
  // one batch reads everything (Trigger.AvailableNow, no maxOffsetsPerTrigger), and the watermark only
  // moves between batches: the flush can be there from the start
  await input.flush();
  const work = mkdtempSync(join(tmpdir(), 'txlab-spark-'));
  mkdirSync(opts.logDir, { recursive: true });
  const cores = opts.cores ?? 2;
  const shuffle = opts.shufflePartitions ?? 4;
  let readyAt = 0;
  let report: { batches: number; rows: number; dropped: number } | undefined;
  const launchedAt = Date.now();
  const proc = spawnProc(
    [
      build.python,
      SCRIPT,
      '--bootstrap',
      input.bootstrap,
      '--input',
      input.topic,
      '--output',
      output,
      '--window-ms',
      String(opts.windowMs),
      '--grace-ms',
      String(opts.graceMs),
      '--checkpoint',
      join(work, 'checkpoint'),
      '--jars',
      build.jars,
      '--cores',
      String(cores),
      '--shuffle-partitions',
      String(shuffle),
    ],
    {
      env: { PYSPARK_PYTHON: build.python, SPARK_LOCAL_IP: '127.0.0.1', SPARK_LOCAL_DIRS: work },
      logFile: join(opts.logDir, 'spark.log'),
      onLine(line) {
        const running = /^txlab-spark: running (\d+)/.exec(line);
        if (running && !readyAt) readyAt = Number(running[1]);
        const r = /^txlab-spark: batches (\d+) rows (\d+) dropped (\d+)/.exec(line);
        if (r) report = { batches: Number(r[1]), rows: Number(r[2]), dropped: Number(r[3]) };
      },
    },
  );
  const timeout = setTimeout(() => void proc.stop(10_000), opts.timeoutMs ?? 600_000);
  const code = await proc.exited;
  clearTimeout(timeout);
  rmSync(work, { recursive: true, force: true });
  if (code !== 0) throw new Error(`windows: the Spark job exited with ${code}:\n${tail(proc, 15)}`);
  const out = await readTopic(kafka, output);
  if (!readyAt) readyAt = launchedAt;
  const notes = [`local[${cores}], ${shuffle} shuffle partitions, Trigger.AvailableNow`];
  if (report) {
    notes.push(`${report.batches} micro-batches, ${report.rows} input rows`);
    if (report.dropped > 0) notes.push(`${report.dropped} rows dropped by the watermark`);
  }
  return {
    engine: `Spark ${SPARK_VERSION} Structured Streaming`,
    rows: out.map((o) => o.row),
    ...timings(input.records, launchedAt, readyAt, out),
    notes,
  };
}
