// Check of exercise 09-2: your group timing, on a 1-broker Kafka cluster of the check's own
// (lib/stack/cluster.ts). First what needs no engine: a heartbeat at most a third of the session timeout,
// and a session timeout under the 8 s a dead member's partitions have to move in. Then the broker's own
// bounds (group.min/max.session.timeout.ms, read with describeConfigs): outside them the broker refuses a
// member's join, and the check shows the refusal. Then lab 09's rebalance measurement (lib/scale/rebalance.ts
// measureRebalances): 3 consumer processes with your timing read a live stream of 1,000 events/s on 6
// partitions; after 5 s steady one is SIGKILLed, then 5 s steady again. Its partitions must be held by the
// others within 8 s; and the group, watched from the coordinator every 100 ms, must not drop a live member
// (one dropped and back as a new member is a rebalance nobody caused).
import { type Admin, ConfigResourceTypes, type Kafka, logLevel } from 'kafkajs';
import { config } from '../../lib/config.ts';
import { type CheckResult, defineExercise } from '../../lib/exercises/define.ts';
import { createKafka, groupConsumerConfig } from '../../lib/kafka.ts';
import { type RebalanceEvent, measureRebalances } from '../../lib/scale/rebalance.ts';
import { type KafkaCluster, startCluster } from '../../lib/stack/cluster.ts';
import { sleep, waitFor } from '../../lib/wait.ts';

type Impl = typeof import('./solution.ts');
type Timing = Impl['timing'];

/** a crashed member's partitions held by the others within this, from the SIGKILL */
const WITHIN_MS = 8_000;
const MEMBERS = 3;
const PARTITIONS = 6;
const RATE = 1_000;
/** steady consumption before the crash and after the group settled again */
const STEADY_MS = 5_000;
/** the smallest heartbeat lib/scale/consumer-main.ts takes */
const MIN_HEARTBEAT_MS = 100;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export default defineExercise<Impl>({
  id: '09-2-session-timeout',
  title: "A session timeout: a crashed consumer's partitions move within 8 s",
  teaches:
    'how a consumer group finds out that a member died (the session timeout), how the others learn of it (the heartbeat), and the bounds the broker and a healthy group put on both',
  minutes: 20,
  engines: [],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ timing }): Promise<CheckResult> {
    const { sessionTimeoutMs: s, heartbeatIntervalMs: h } = timing;
    const head = `timing: session timeout ${s} ms, heartbeat every ${h} ms`;
    // 1. what needs no engine
    if (![s, h].every((x) => Number.isInteger(x) && x > 0))
      return { ok: false, lines: [head, 'both must be whole, positive numbers of milliseconds'] };
    if (3 * h > s)
      return {
        ok: false,
        lines: [
          head,
          `the heartbeat is more than a third of the session timeout (${Math.floor(s / 3)} ms): a member is dropped when a whole ` +
            `session passes without a heartbeat from it, so with ${s / h < 2 ? 'less than two' : 'only two'} heartbeats per session ` +
            "one lost or late heartbeat (a GC pause, a slow batch, a busy broker) ends a healthy member's session, and the whole " +
            "group stops to rebalance for nothing. Kafka's own guidance: heartbeat.interval.ms at most a third of session.timeout.ms",
        ],
      };
    if (s >= WITHIN_MS)
      return {
        ok: false,
        lines: [
          head,
          `a SIGKILLed member sends nothing, not even a LeaveGroup: the coordinator drops it only when ${s} ms have passed ` +
            `without a heartbeat from it, so its partitions cannot move within ${WITHIN_MS / 1000} s`,
        ],
      };
    if (h < MIN_HEARTBEAT_MS)
      return {
        ok: false,
        lines: [
          head,
          `lib/scale/consumer-main.ts takes heartbeats of ${MIN_HEARTBEAT_MS} ms or more: each is a request from every ` +
            'member to the coordinator, and a few a second are plenty',
        ],
      };

    // 2. the broker's bounds, and its refusal outside them
    const cluster = await startCluster(1);
    try {
      const kafka = createKafka('exercise-09-2', config(), { brokers: cluster.brokers(), logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const b = await sessionBounds(admin, cluster);
        const accepts = `the broker accepts session timeouts from ${b.min} to ${b.max} ms (group.min.session.timeout.ms, group.max.session.timeout.ms)`;
        const perSession = `${(s / h).toFixed(1).replace(/\.0$/, '')} heartbeats per session`;
        if (s < b.min || s > b.max)
          return {
            ok: false,
            lines: [
              `${head}; ${accepts}`,
              `a member joining with a session timeout of ${s} ms: ${await tryJoin(kafka, cluster, timing)}`,
            ],
          };

        // 3. the crash on a live stream, the group watched from the coordinator meanwhile
        const watcher = watchGroup(admin);
        let event: RebalanceEvent | undefined;
        try {
          const r = await measureRebalances({
            cluster,
            partitions: PARTITIONS,
            rate: RATE,
            initial: MEMBERS,
            events: ['crash'],
            sessionTimeoutMs: s,
            heartbeatMs: h,
            settleMs: STEADY_MS,
          });
          event = r.events[0];
        } catch (e) {
          await watcher.stop();
          return {
            ok: false,
            lines: [`${head} (${perSession}); ${accepts}`, `the measurement stopped: ${(e as Error).message}`],
          };
        }
        const members = await watcher.stop();
        if (!event) return { ok: false, lines: [head, 'the crash was not measured: the run stopped before it'] };
        return judge(event, members, [`${head} (${perSession}); ${accepts}`], timing);
      } finally {
        await admin.disconnect().catch(() => {});
      }
    } finally {
      await cluster.stop({ graceMs: 0 });
    }
  },
});

/** The broker's bounds on a member's session timeout, as it reports its own configuration. */
async function sessionBounds(admin: Admin, cluster: KafkaCluster): Promise<{ min: number; max: number }> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [
      {
        type: ConfigResourceTypes.BROKER,
        name: String(cluster.nodes[0]!.id),
        configNames: ['group.min.session.timeout.ms', 'group.max.session.timeout.ms'],
      },
    ],
  });
  const value = (name: string) =>
    Number(resources[0]?.configEntries.find((c) => c.configName === name)?.configValue ?? Number.NaN);
  return { min: value('group.min.session.timeout.ms'), max: value('group.max.session.timeout.ms') };
}

/** Joins a group of its own with `t`, as a member would: what the broker answered. */
async function tryJoin(kafka: Kafka, cluster: KafkaCluster, t: Timing): Promise<string> {
  const topic = `exercise.09-2.join.${crypto.randomUUID().slice(0, 8)}`;
  await cluster.createTopics([{ topic, partitions: 1 }]);
  const consumer = kafka.consumer({
    ...groupConsumerConfig(`${topic}.group`),
    sessionTimeout: t.sessionTimeoutMs,
    heartbeatInterval: t.heartbeatIntervalMs,
  });
  let outcome: string | undefined;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    outcome = 'the broker let it join';
  });
  consumer.on(consumer.events.CRASH, (e) => {
    const err = e.payload.error as Error & { type?: string; cause?: Error & { type?: string } };
    const why = err.type ? err : (err.cause ?? err);
    outcome = `the broker refused the join: ${why.type ?? why.name} (${why.message})`;
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    const r = await waitFor(() => outcome, { timeoutMs: 15_000 });
    return r.ok ? r.value : 'neither joined nor refused within 15 s';
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

type Member = { id: string; client: string };

/**
 * Every member the coordinator lists in the run's group (lib/scale/rebalance.ts names it
 * `scale.rebalance.<run>.group`; the cluster is the check's own, so it is the only one), every 100 ms.
 * A member the coordinator dropped joins again under a new member id, from the same client (process).
 */
function watchGroup(admin: Admin): { stop(): Promise<Member[]> } {
  const seen = new Map<string, Member>();
  let group: string | undefined;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        group ??= (await admin.listGroups()).groups.find((g) =>
          /^scale\.rebalance\..+\.group$/.test(g.groupId),
        )?.groupId;
        if (group)
          for (const m of (await admin.describeGroups([group])).groups[0]?.members ?? [])
            seen.set(m.memberId, { id: m.memberId, client: m.clientId });
      } catch {
        // the coordinator is busy with a rebalance: the next poll sees it
      }
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...seen.values()];
    },
  };
}

function judge(e: RebalanceEvent, members: readonly Member[], lines: string[], t: Timing): CheckResult {
  const clients = new Map<string, number>();
  for (const m of members) clients.set(m.client, (clients.get(m.client) ?? 0) + 1);
  const rejoined = [...clients].filter(([, n]) => n > 1);
  const dead = e.partitions.filter((p) => p.from === e.member);
  const readAgain = Math.max(...dead.map((p) => p.gap_end_ms));
  const moved = e.moved_ms <= WITHIN_MS;
  lines.push(
    `${MEMBERS} consumer processes read ${RATE.toLocaleString('en')} events/s on ${PARTITIONS} partitions of a 1-broker cluster; ` +
      `after ${STEADY_MS / 1000} s steady, ${e.member} was SIGKILLed:`,
    `  the survivors learned of the rebalance after ${e.noticed_ms === null ? 'never' : seconds(e.noticed_ms)}, and held every partition again after ` +
      `${seconds(e.moved_ms)} (expected within ${WITHIN_MS / 1000} s)`,
  );
  if (dead.length)
    lines.push(
      `  ${e.member}'s partitions ${dead.map((p) => p.partition).join(', ')} were read again after ${seconds(readAgain)}`,
    );
  if (!moved)
    lines.push(
      `  too slow: a dead member is dropped only when a whole session passes without its heartbeat (${t.sessionTimeoutMs} ms), ` +
        `the survivors learn of it at their next heartbeat (every ${t.heartbeatIntervalMs} ms), and the partitions move once the ` +
        'last of them has joined again',
    );
  lines.push(
    `  the group, as the coordinator listed it every 100 ms: ${members.length} member ids from ${clients.size} processes ` +
      `(expected ${MEMBERS} from ${MEMBERS}: no live member dropped)`,
  );
  for (const [client, n] of rejoined)
    lines.push(
      `  process ${client} was dropped from the group while it ran and came back as a new member ${n - 1} time(s): ` +
        'its session ended without a crash, and the whole group stopped to rebalance for nothing',
    );
  const ok = moved && rejoined.length === 0 && clients.size === MEMBERS;
  return { ok, lines };
}
