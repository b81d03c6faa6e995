// Lab 09's summary in the terminal: the sweep's table and what it shows, the rebalance pauses, the broker
// failure's phases and audit, the ceiling (its own tables, lib/scale/ceiling-lines.ts).
import type { Failover, FailoverPhase } from '../../lib/results/lab09-failover.ts';
import type { RebalanceResult, SweepResult } from '../../lib/results/lab09-sweep.ts';
import { table } from '../../lib/terminal.ts';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const s = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

export function sweepSummary(r: SweepResult): string {
  const rows = r.points.map((p) => ({
    brokers: p.brokers,
    partitions: p.partitions,
    batch: p.batch,
    consumers: p.consumers,
    'records/s': n(p.records_per_s),
    idle: p.idle_members,
    'group settled': s(p.settled_ms),
    drain: s(p.drain_ms),
    'consumer CPU s/1k': sum(p.cpu, 'consumer').toFixed(3),
    'broker CPU s/1k': sum(p.cpu, 'broker').toFixed(3),
    machine: `${Math.round(p.machine.busy_share * 100)} %`,
  }));
  const fills = r.clusters.flatMap((c) =>
    c.fills.map((f) => ({
      brokers: f.brokers,
      partitions: f.partitions,
      'cluster start': s(c.start_ms),
      produced: n(f.acked),
      failed: f.failed,
      'producer records/s': n(f.records_per_s),
    })),
  );
  return [
    table(fills, '\nthe backlog each topic was filled with (acks=all; RF = min(3, brokers))'),
    table(rows, '\nthe sweep: each point drains the same backlog with a new group (CPU per 1,000 records)'),
    ...r.notes.map((x) => `  ${x}`),
  ].join('\n');
}

const sum = (cpu: SweepResult['points'][number]['cpu'], kind: string) =>
  cpu.filter((c) => c.kind === kind).reduce((t, c) => t + c.per_1000_events, 0);

export function rebalanceSummary(r: RebalanceResult): string {
  const rows = r.events.map((e) => ({
    event: `${e.kind} ${e.member}`,
    members: `${e.members_before} → ${e.members_after}`,
    noticed: s(e.noticed_ms),
    'partitions moved': e.moved_partitions,
    'moved after': s(e.moved_ms),
    'group paused': s(e.group_gap_ms),
    'longest partition gap': s(e.longest_partition_gap_ms),
    'latency p99': s(e.latency_ms.p99),
  }));
  return [
    table(
      rows,
      `\nrebalances of a group reading ${n(r.parameters.rate)} events/s from ${r.parameters.partitions} partitions ` +
        `(session timeout ${s(r.parameters.session_timeout_ms)}); steady: longest group gap ${s(r.baseline.group_gap_ms)}, ` +
        `latency p99 ${s(r.baseline.latency_ms.p99)}`,
    ),
  ].join('\n');
}

export function failoverSummary(r: Failover): string {
  const phase = (name: string, p: FailoverPhase) => ({
    phase: name,
    killed: p.brokers.join(', '),
    'led before': p.partitions_led.join(', '),
    'producer stall': s(p.stall.ms),
    'ISR shrunk': s(p.isr_shrunk_ms),
    'new leaders': s(p.new_leader_ms),
    'acked while down': n(p.acked_while_down),
    'back in ISR after restart': s(p.isr_full_ms),
    'send→ack p99': p.send_ack_ms ? s(p.send_ack_ms.p99) : '–',
  });
  const rows = [phase('one of three', r.one_down), ...(r.two_down ? [phase('two of three', r.two_down)] : [])];
  const a = r.audit;
  return [
    table(
      rows,
      `\nbroker failure at ${n(r.parameters.rate)} events/s, RF ${r.parameters.replication_factor}, min.insync.replicas ${r.parameters.min_insync_replicas}, acks=all`,
    ),
    `  audit: ${n(a.sent)} sent, ${n(a.acked)} acknowledged, ${n(a.failed)} reported failed; read back ${n(a.read)}: ` +
      `${a.acked_missing} acknowledged missing, ${a.duplicates} duplicates, ${a.failed_present} reported failed yet present`,
    ...(r.broken.length ? r.broken.map((b) => `  BROKEN: ${b}`) : ['  nothing acknowledged was lost']),
  ].join('\n');
}
