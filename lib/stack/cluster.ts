// A Kafka cluster of its own for a test or a lab (lab 09): N KRaft nodes, each a combined broker and
// controller with its own free ports and data under a temp dir, the embedded broker's jars, logging and
// settings, replicated (RF = min(3, N), min.insync.replicas = min(2, N)). Not the embedded single broker:
// nothing here touches .stack/kafka or port 9092. The owner kills, restarts and stops brokers; brokers
// left behind by an owner that died are killed at the next start.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { config } from '../config.ts';
import { freePorts } from '../ports.ts';
import { StackError } from '../errors.ts';
import { waitFor, waitUntil } from '../wait.ts';
import { LOG4J, kafkaClasspath, requireJava } from './kafka.ts';
import { type Properties, renderProperties, serverConfig } from './kafka-config.ts';
import { isAlive, parsePid, spawnDetached } from './pids.ts';
import { runStep } from './tools.ts';

const HOST = '127.0.0.1';
/** in every broker's command line, so an orphan can be told from someone else's Kafka */
const OWNER = '-Dtxlab.cluster.owner=';

export type ClusterOptions = {
  /** per broker, -Xms and -Xmx (default 512) */
  heapMb?: number;
  /** server.properties entries over the defaults, e.g. a shorter `broker.session.timeout.ms` */
  properties?: Properties;
  /** the cluster's folder (default: a new one under the OS temp dir), removed by stop() */
  dir?: string;
  startTimeoutMs?: number;
  note?: (line: string) => void;
};

export type ClusterNode = {
  id: number;
  /** host:port of its broker listener */
  address: string;
  controllerPort: number;
  dataDir: string;
  logFile: string;
  /** its process, while it runs */
  pid: number | undefined;
};

export type PartitionState = { partition: number; leader: number; replicas: number[]; isr: number[] };

export interface KafkaCluster {
  readonly dir: string;
  readonly nodes: readonly ClusterNode[];
  /** every node's address, comma-separated: what a client's bootstrap.servers takes */
  readonly bootstrap: string;
  /** the addresses of the nodes that run now */
  brokers(): string[];
  /** SIGKILL: a crash, nothing flushed or handed over; resolves once the process is gone */
  kill(id: number): Promise<void>;
  /** starts a stopped node on its data again; resolves once the cluster lists it as a broker */
  restart(id: number): Promise<void>;
  /**
   * Creates the topics (replicated RF = min(3, N)) and resolves once every partition has a leader and
   * every replica in sync; retried while a cluster that just started or lost a node is still settling.
   */
  createTopics(topics: { topic: string; partitions: number }[], timeoutMs?: number): Promise<void>;
  /** the topic's partitions as the metadata of a running node has them (leader -1: none) */
  describe(topic: string): Promise<PartitionState[]>;
  leaderOf(topic: string, partition: number): Promise<number>;
  /** SIGTERM to every node, SIGKILL after `graceMs` (0: at once), then removes the dir unless `keep` */
  stop(o?: { graceMs?: number; keep?: boolean }): Promise<void>;
}

/**
 * Starts an `n`-node cluster and resolves once every node is a broker of it, as each node's own metadata
 * says (~8–13 s for 3 on 2 cores). A port taken between choosing it and the broker binding it (another
 * process's outgoing connection can take it) costs a new start with new ports, up to 3 times.
 */
export async function startCluster(n: number, o: ClusterOptions = {}): Promise<KafkaCluster> {
  if (!Number.isInteger(n) || n < 1) throw new StackError(`cluster: need 1 or more nodes, got ${n}`);
  const note = o.note ?? (() => {});
  killOrphans(note);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(n, o, note);
    } catch (e) {
      if (attempt >= 3 || !/BindException|Address already in use/.test(String(e))) throw e;
      note(`cluster: a port was taken before a broker could bind it; starting again with new ports (${e})`);
    }
  }
}

async function startOnce(n: number, o: ClusterOptions, note: (line: string) => void): Promise<KafkaCluster> {
  const java = await requireJava();
  const cp = await kafkaClasspath(config(), note);
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'txlab-cluster-'));
  const ports = await freePorts(2 * n);
  const nodes: ClusterNode[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    address: `${HOST}:${ports[i]}`,
    controllerPort: ports[n + i]!,
    dataDir: join(dir, `node-${i + 1}`, 'data'),
    logFile: join(dir, `node-${i + 1}`, 'kafka.log'),
    pid: undefined,
  }));
  const voters = nodes.map((x) => `${x.id}@${HOST}:${x.controllerPort}`).join(',');
  const propsFile = (x: ClusterNode) => join(dir, `node-${x.id}`, 'server.properties');
  const rf = Math.min(3, n);
  const minIsr = Math.min(2, n);
  for (const x of nodes) {
    mkdirSync(x.dataDir, { recursive: true });
    const props: Properties = {
      ...serverConfig({
        host: HOST,
        brokerPort: ports[x.id - 1]!,
        controllerPort: x.controllerPort,
        dataDir: x.dataDir,
      }),
      'node.id': x.id,
      'controller.quorum.voters': voters,
      'default.replication.factor': rf,
      'min.insync.replicas': minIsr,
      'offsets.topic.replication.factor': rf,
      'transaction.state.log.replication.factor': rf,
      'transaction.state.log.min.isr': minIsr,
      'share.coordinator.state.topic.replication.factor': rf,
      'share.coordinator.state.topic.min.isr': minIsr,
      'log.segment.bytes': 64 * 1024 * 1024,
      ...o.properties,
    };
    writeFileSync(propsFile(x), renderProperties(props, `written by lib/stack/cluster.ts for node ${x.id} of ${n}`));
  }

  // 1. one cluster id, every node's storage formatted with it (static voters: no bootstrap step)
  const clusterId = newClusterId();
  note(`cluster: formatting ${n} nodes in ${dir}`);
  await Promise.all(
    nodes.map((x) =>
      runStep(
        `formatting the storage of cluster node ${x.id}`,
        java,
        ['-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile(x)],
        { logFile: x.logFile },
      ),
    ),
  );

  // 2. the brokers; the exit handler is the last resort when the owner exits without stop()
  const heap = o.heapMb ?? 512;
  const exits = new Map<number, () => string | undefined>();
  const launch = (x: ClusterNode) => {
    const args = [`-Xms${heap}m`, `-Xmx${heap}m`, `${OWNER}${process.pid}`, `-Dlog4j2.configurationFile=${LOG4J}`];
    const p = spawnDetached(java, [...args, '-cp', cp, 'kafka.Kafka', propsFile(x)], x.logFile, dir);
    x.pid = p.pid;
    exits.set(x.id, p.exited);
  };
  const killAll = () => {
    for (const x of nodes) if (x.pid !== undefined) signal(x.pid, 'SIGKILL');
  };
  process.on('exit', killAll);

  const admin = async <T>(f: (a: ReturnType<Kafka['admin']>) => Promise<T>, via = running()): Promise<T> => {
    const a = new Kafka({
      clientId: 'txlab-cluster',
      brokers: via.map((x) => x.address),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      requestTimeout: 5_000,
      retry: { retries: 2, initialRetryTime: 100 },
    }).admin();
    await a.connect();
    try {
      return await f(a);
    } finally {
      await a.disconnect().catch(() => {});
    }
  };
  const running = () => nodes.filter((x) => x.pid !== undefined);
  const node = (id: number) => {
    const x = nodes.find((y) => y.id === id);
    if (!x) throw new StackError(`cluster: no node ${id} (nodes are 1..${n})`);
    return x;
  };
  /** why waiting is pointless: a node we started has exited */
  const died = () => {
    for (const x of running()) {
      const how = exits.get(x.id)?.();
      if (how) return `cluster node ${x.id} ${how}: ${firstError(x.logFile) ?? lastLines(x.logFile)}`;
    }
    return undefined;
  };
  /** every running node's own metadata lists every broker in `ids` (listed: registered and unfenced) */
  const listed = (ids: number[], timeoutMs: number, what: string) =>
    waitUntil(
      what,
      async () => {
        for (const x of running()) {
          const seen = await admin(async (a) => new Set((await a.describeCluster()).brokers.map((b) => b.nodeId)), [x]);
          if (!ids.every((id) => seen.has(id))) return false;
        }
        return true;
      },
      { timeoutMs, intervalMs: 250, abort: died },
    );

  const t0 = performance.now();
  nodes.forEach(launch);
  try {
    await listed(
      nodes.map((x) => x.id),
      o.startTimeoutMs ?? 90_000,
      `${n} cluster brokers`,
    );
  } catch (e) {
    killAll();
    process.off('exit', killAll);
    if (!o.dir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  note(
    `cluster: ${n} brokers up in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${nodes.map((x) => x.address)}`,
  );

  const describe = (topic: string) =>
    admin(async (a) => {
      const meta = await a.fetchTopicMetadata({ topics: [topic] });
      return (meta.topics[0]?.partitions ?? [])
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
        .sort((a, b) => a.partition - b.partition);
    });

  return {
    dir,
    nodes,
    bootstrap: nodes.map((x) => x.address).join(','),
    brokers: () => running().map((x) => x.address),
    async kill(id) {
      const x = node(id);
      if (x.pid === undefined) return;
      const pid = x.pid;
      signal(pid, 'SIGKILL');
      x.pid = undefined;
      await waitFor(() => !isAlive(pid), { timeoutMs: 10_000, intervalMs: 20 });
    },
    async restart(id) {
      const x = node(id);
      if (x.pid !== undefined) throw new StackError(`cluster: node ${id} is running (pid ${x.pid}): kill it first`);
      launch(x);
      await listed([id], o.startTimeoutMs ?? 90_000, `cluster node ${id} to rejoin`);
    },
    async createTopics(topics, timeoutMs = 60_000) {
      const settled = async () => {
        for (const { topic, partitions } of topics) {
          const parts = await describe(topic);
          if (parts.length !== partitions) return false;
          if (!parts.every((p) => p.leader >= 0 && p.isr.length === rf)) return false;
        }
        return true;
      };
      await waitUntil(
        `topics ${topics.map((t) => t.topic).join(', ')} created, every replica in sync`,
        async () => {
          await admin(async (a) => {
            const have = new Set(await a.listTopics());
            const missing = topics.filter((t) => !have.has(t.topic));
            if (missing.length > 0)
              await a.createTopics({
                topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: rf })),
              });
          });
          return settled();
        },
        { timeoutMs, intervalMs: 250, abort: died },
      );
    },
    describe,
    async leaderOf(topic, partition) {
      const p = (await describe(topic)).find((s) => s.partition === partition);
      if (!p) throw new StackError(`cluster: ${topic} has no partition ${partition}`);
      return p.leader;
    },
    async stop({ graceMs = 5_000, keep = false } = {}) {
      const pids = running().map((x) => x.pid!);
      for (const pid of pids) signal(pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
      const gone = () => pids.every((pid) => !isAlive(pid));
      if (!(await waitFor(gone, { timeoutMs: graceMs, intervalMs: 50 })).ok) {
        for (const pid of pids) signal(pid, 'SIGKILL');
        await waitFor(gone, { timeoutMs: 10_000, intervalMs: 20 });
      }
      for (const x of nodes) x.pid = undefined;
      process.off('exit', killAll);
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function lastLines(file: string, n = 5): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-n).join(' | ');
  } catch {
    return `(no log at ${file})`;
  }
}

/** the log's first ERROR line, where a broker says why it exits (a port already bound, a bad setting) */
function firstError(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => /\b(ERROR|FATAL)\b/.test(l))
      ?.trim();
  } catch {
    return undefined;
  }
}

/** Kills the brokers of clusters whose owner process is gone (it crashed, or was killed, before stop()). */
function killOrphans(note: (line: string) => void) {
  for (const entry of readdirSync('/proc')) {
    const pid = parsePid(entry);
    if (pid === undefined) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const owner = cmdline
      .split('\0')
      .find((a) => a.startsWith(OWNER))
      ?.slice(OWNER.length);
    if (owner === undefined || isAlive(Number(owner))) continue;
    note(`cluster: killing broker pid ${pid}, left behind by pid ${owner}`);
    signal(pid, 'SIGKILL');
  }
}

/**
 * A KRaft cluster id: 16 random bytes, base64url, as Kafka's Uuid.randomUuid() makes them, and like it
 * never one starting with '-', which the storage tool's command line would take for an option.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
