// Lab 09's broker-failure experiment on a 3-broker cluster of the test's own, with shorter phases than
// the lab's and a shorter broker session: one leader SIGKILLed and restarted, then two of three, and
// every record read back by transaction id. The audit must find nothing acknowledged missing and nothing
// unreported; a regression of lib/send.ts's workaround for kafkajs's lost acknowledgements
// (tulios/kafkajs#1798) shows here.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type KafkaCluster, startCluster } from '../stack/cluster.ts';
import { type Failover, runFailover } from './failover.ts';

describe('a broker failure under steady produce and consume (3 brokers, RF 3, min.insync.replicas 2)', () => {
  let cluster: KafkaCluster | undefined;
  let r: Failover;

  beforeAll(async () => {
    // a dead broker is fenced after 6 s instead of 9: the test is about what is acknowledged, not when
    cluster = await startCluster(3, {
      properties: { 'broker.session.timeout.ms': 6_000, 'broker.heartbeat.interval.ms': 1_000 },
      note: (line) => console.log(line),
    });
    r = await runFailover({
      cluster,
      rate: 400,
      killAtMs: 3_000,
      oneDownMs: 9_000,
      settleMs: 1_000,
      twoDownMs: 5_000,
      tailMs: 1_000,
      seed: 9,
      note: (line) => console.log(line),
    });
    const { one_down: one, two_down: two, audit } = r;
    console.log(
      [
        `failover: ${(r.ms / 1000).toFixed(1)} s`,
        `  one down: stall ${one.stall.ms} ms, ISR shrunk after ${one.isr_shrunk_ms} ms, new leaders after ` +
          `${one.new_leader_ms} ms, ISR full ${one.isr_full_ms} ms after the restart`,
        `  two down: ${two?.acked_while_down} acked while down, stall ${two?.stall.ms} ms, ISR full ` +
          `${two?.isr_full_ms} ms after the restart`,
        `  audit: ${JSON.stringify({ ...audit, examples: undefined })}`,
      ].join('\n'),
    );
  }, 150_000);

  afterAll(async () => {
    await cluster?.stop({ graceMs: 0 });
  });

  test('every acknowledged record is read back, and every other one was reported failed', () => {
    expect({
      ackedMissing: r.audit.examples.acked_missing,
      notAckedButNotReported: r.audit.failed - r.audit.failed_reported,
      foreign: r.audit.examples.foreign,
      labelsAckedMissing: r.labels.examples.acked_missing,
      broken: r.broken,
    }).toEqual({ ackedMissing: [], notAckedButNotReported: 0, foreign: [], labelsAckedMissing: [], broken: [] });
  });

  test('the kills landed mid-run: records were acknowledged before, between and after them', () => {
    const ackedIn = (from: number, to: number) =>
      r.samples.filter((s) => s.t_ms > from && s.t_ms <= to).reduce((n, s) => n + s.acked, 0);
    const one = r.one_down;
    const two = r.two_down!;
    expect({
      beforeFirstKill: ackedIn(0, one.kill_at_ms) > 0,
      oneDownAfterStall: one.acked_while_down > 0,
      betweenPhases: ackedIn(one.restart_at_ms, two.kill_at_ms) > 0,
      afterLastRestart: ackedIn(two.restart_at_ms, Number.POSITIVE_INFINITY) > 0,
    }).toEqual({ beforeFirstKill: true, oneDownAfterStall: true, betweenPhases: true, afterLastRestart: true });
  });

  test('one broker down: the producer stalls until the ISR shrinks, and its partitions get new leaders', () => {
    const one = r.one_down;
    expect({
      killedLeaderOf0: one.partitions_led.includes(0),
      stalled: one.stall.ms > 1_000,
      isrShrunk: one.isr_shrunk_ms !== null,
      newLeaders: one.new_leader_ms !== null,
      restartedLeads: one.leaders_after.find((l) => l.broker === one.brokers[0])?.partitions,
    }).toEqual({ killedLeaderOf0: true, stalled: true, isrShrunk: true, newLeaders: true, restartedLeads: 0 });
  });

  test('two of three down: nothing is acknowledged until they are back', () => {
    const two = r.two_down!;
    expect({
      brokers: two.brokers.length,
      ackedWhileDown: two.acked_while_down,
      stalledAll: two.stall.ms >= 5_000,
    }).toEqual({ brokers: 2, ackedWhileDown: 0, stalledAll: true });
  });

  test('a sample every 250 ms or so, and the cluster whole again', () => {
    const gaps = r.samples
      .slice(1)
      .map((s) => s.window_ms)
      .sort((a, b) => a - b);
    expect({
      samples: r.samples.length > 100,
      medianGapUnder400ms: gaps[gaps.length >> 1]! < 400,
      running: cluster!.brokers().length,
    }).toEqual({ samples: true, medianGapUnder400ms: true, running: 3 });
  });
});
