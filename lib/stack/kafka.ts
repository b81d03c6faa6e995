// The embedded Kafka 4.x broker: jars from Maven Central through lib/stack/kafka/pom.xml (cached in ~/.m2,
// the classpath cached beside the pom's hash), storage formatted on first start, one KRaft node, and
// Prometheus' JMX exporter as a java agent serving the broker's metrics (rules in kafka/jmx-exporter.yaml).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { type Config, EMBEDDED, PROJECT_ROOT } from '../config.ts';
import { MONITORING } from '../monitoring/ports.ts';
import '../kafkajs-warnings.ts';
import type { Command, Engine } from './engine.ts';
import { StackError } from '../errors.ts';
import { classpathEntries, serverProperties } from './kafka-config.ts';
import { groupIdsCovering } from './group-partition.ts';
import { portAccepts, splitHostPort } from './pids.ts';
import { javaMajor, requireTool, run, runStep } from './tools.ts';

const POM = join(PROJECT_ROOT, 'lib/stack/kafka/pom.xml');
/** Kafka's logging: warnings, and the line that says the server started (lib/stack/cluster.ts uses it too). */
export const LOG4J = join(PROJECT_ROOT, 'lib/stack/kafka/log4j2.yaml');
/** The broker's metrics for Prometheus: which JMX beans, under which names (pinned, reviewed with the agent). */
const JMX_RULES = join(PROJECT_ROOT, 'lib/stack/kafka/jmx-exporter.yaml');
export const JMX_AGENT = 'io.prometheus.jmx:jmx_prometheus_javaagent:1.0.1';
const JAVA_HINT =
  'install Java 17 or newer (e.g. `apt-get install openjdk-17-jre-headless`), or set KAFKA_BROKERS=host:port to use your own Kafka';

/**
 * Kafka serves: it answers a metadata request (a TCP accept alone is not enough: the broker listens before it is
 * ready), every topic whose partitions all have a leader answers ListOffsets, and the group coordinator has loaded every partition
 * of __consumer_offsets (an offset fetch answers for one group held by each). After a restart on a data directory
 * with many topics, the broker lists its partitions a few seconds before it serves them (NOT_LEADER_FOR_PARTITION),
 * then loads its groups (GROUP_LOAD_IN_PROGRESS); here 61 topics, 380 partitions: metadata at 4.8 s, offsets at
 * 6.3 s, every group partition at 7.5 s. A client started in that window fails its first request.
 */
export async function kafkaServes(brokers: string[]): Promise<boolean> {
  const first = splitHostPort(brokers[0]!);
  if (!(await portAccepts(first.host, first.port))) return false;
  const admin = new Kafka({
    clientId: 'txlab-stack',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) return false;
    const { topics } = await admin.fetchTopicMetadata();
    // a topic with a partition no broker leads (an external cluster's trouble) cannot answer ListOffsets whole
    const led = topics.filter((t) => t.partitions.every((p) => p.leader >= 0));
    await Promise.all(led.map((t) => admin.fetchTopicOffsets(t.name)));
    const offsets = topics.find((t) => t.name === '__consumer_offsets');
    if (offsets) {
      await Promise.all(groupIdsCovering(offsets.partitions.length).map((groupId) => admin.fetchOffsets({ groupId })));
    }
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export async function requireJava(): Promise<string> {
  const java = requireTool('java', JAVA_HINT);
  const r = await run(java, ['-version']);
  const major = javaMajor(r.stderr + r.stdout);
  if (major !== undefined && major < 17)
    throw new StackError(`stack: Kafka 4 needs Java 17 or newer, found Java ${major}: ${JAVA_HINT}`);
  return java;
}

/** The broker's classpath, resolved by Maven once per pom version and cached in the stack dir. */
async function classpath(dir: string, note: (line: string) => void): Promise<string> {
  const file = join(dir, 'classpath.txt');
  const hashFile = join(dir, 'classpath.pom-sha256');
  const hash = createHash('sha256').update(readFileSync(POM)).digest('hex');
  if (existsSync(file) && existsSync(hashFile) && readFileSync(hashFile, 'utf8').trim() === hash) {
    const cp = readFileSync(file, 'utf8').trim();
    if (classpathEntries(cp).every((jar) => existsSync(jar))) return cp;
  }
  mkdirSync(dir, { recursive: true });
  const mvn = requireTool(
    'mvn',
    'install Maven (e.g. `apt-get install maven`) so the stack can fetch the Kafka jars, or set KAFKA_BROKERS=host:port to use your own Kafka',
  );
  note('stack: resolving the Kafka jars with Maven (once; cached in ~/.m2)');
  await runStep(
    'resolving the Kafka classpath with Maven',
    mvn,
    ['-q', '-B', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${file}`],
    {
      logFile: join(dir, 'setup.log'),
    },
  );
  writeFileSync(hashFile, `${hash}\n`);
  return readFileSync(file, 'utf8').trim();
}

/** The Kafka jars' classpath, for Kafka's own tools (e.g. ProducerPerformance in the benchmarks). */
export function kafkaClasspath(
  cfg: Config,
  note: (line: string) => void = (line) => console.error(line),
): Promise<string> {
  return classpath(join(cfg.stackDir, 'kafka'), note);
}

/** The JMX exporter agent's jar, copied once from Maven (~/.m2) into the stack dir; a missing jar stops the start. */
async function jmxAgent(dir: string, note: (line: string) => void): Promise<string> {
  const [, artifact, version] = JMX_AGENT.split(':');
  const jar = join(dir, `${artifact}-${version}.jar`);
  if (existsSync(jar)) return jar;
  const mvn = requireTool(
    'mvn',
    'install Maven (e.g. `apt-get install maven`) so the stack can fetch the JMX exporter agent',
  );
  note(`stack: resolving ${JMX_AGENT} with Maven (once)`);
  await runStep(
    `resolving the JMX exporter agent ${JMX_AGENT} with Maven (the broker does not start without its metrics)`,
    mvn,
    ['-q', '-B', '-f', POM, 'dependency:copy', `-Dartifact=${JMX_AGENT}`, `-DoutputDirectory=${dir}`],
    { logFile: join(dir, 'setup.log') },
  );
  if (!existsSync(jar))
    throw new StackError(`stack: Maven finished but ${jar} is missing: see ${join(dir, 'setup.log')}`);
  return jar;
}

/** Formats the storage directory on first start only (KRaft needs a cluster id written before the server runs). */
async function formatStorage(java: string, cp: string, dir: string, dataDir: string, props: string): Promise<void> {
  if (existsSync(join(dataDir, 'meta.properties'))) return;
  const log = join(dir, 'setup.log');
  const id = (
    await runStep('generating a Kafka cluster id', java, ['-cp', cp, 'kafka.tools.StorageTool', 'random-uuid'], {
      logFile: log,
    })
  ).trim();
  await runStep(
    'formatting the Kafka storage',
    java,
    ['-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', id, '-c', props],
    { logFile: log },
  );
}

export function kafkaEngine(cfg: Config): Engine {
  const { host, port } = splitHostPort(cfg.kafka.managed ? EMBEDDED.kafkaBrokers : cfg.kafka.brokers[0]!);
  const dir = join(cfg.stackDir, 'kafka');
  const dataDir = join(dir, 'data');
  const props = join(dir, 'server.properties');
  return {
    name: 'kafka',
    label: 'kafka',
    managed: cfg.kafka.managed,
    endpoint: cfg.kafka.brokers.join(','),
    envVar: 'KAFKA_BROKERS',
    host,
    ports: [
      { port, what: 'Kafka broker', alternative: `set KAFKA_BROKERS=${host}:${port} to use that Kafka instead` },
      { port: EMBEDDED.kafkaControllerPort, what: 'Kafka controller' },
      { port: MONITORING.kafkaJmxPort, what: "the Kafka broker's JMX exporter" },
    ],
    dir,
    logFile: join(dir, 'kafka.log'),
    pidFile: join(dir, 'kafka.pid'),
    markers: ['kafka.Kafka', props],
    startTimeoutMs: 120_000,
    stopTimeoutMs: 30_000,
    dataPaths: [dataDir, props, join(dir, 'kafka.log'), join(dir, 'setup.log')],
    ready: () => kafkaServes(cfg.kafka.brokers),
    async prepare(note): Promise<Command> {
      const java = await requireJava();
      mkdirSync(dataDir, { recursive: true });
      const cp = await classpath(dir, note);
      writeFileSync(
        props,
        serverProperties({ host, brokerPort: port, controllerPort: EMBEDDED.kafkaControllerPort, dataDir }),
      );
      await formatStorage(java, cp, dir, dataDir, props);
      const agent = await jmxAgent(dir, note);
      return {
        cmd: java,
        args: [
          '-Xms512m',
          '-Xmx1g',
          `-javaagent:${agent}=${MONITORING.host}:${MONITORING.kafkaJmxPort}:${JMX_RULES}`,
          `-Dlog4j2.configurationFile=${LOG4J}`,
          '-cp',
          cp,
          'kafka.Kafka',
          props,
        ],
      };
    },
  };
}
