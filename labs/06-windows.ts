#!/usr/bin/env bun
// Lab 06 — event-time windows, watermarks and late events.
//
// Goal: see windows close as the watermark passes them, not as the wall clock does; see what an idle
// partition does to the watermark; see every late event accounted for; and check every final window
// exactly against the ground truth, through a crash of the windows process.
//
// Input (made here, seeded): a live stream for --duration seconds at --rate events/s, out of order by
// up to --bound seconds, --late-share of it delayed far past the bound and the allowed lateness; one
// partition gets no events for --idle-for seconds from the first third. A tail of stream follows so the
// last windows of the measured period close. The windows process (lib/windows/main.ts) computes four
// views: per category tumbling (--window s) and hopping (2× that, every --window s), per merchant
// tumbling, per customer hopping (30 s every 5 s); it is SIGKILLed once, about 60 % in, and started
// again. A sink stores the same stream in SQL beside it.
//
// Expect: the watermark trails the wall clock by about the bound, and a window's result comes about
// bound + lateness after its end; the watermark holds still for --idle seconds when the partition goes
// quiet, then moves on without it; after the kill the new process waits for the group to drop the dead
// member (its 10 s session timeout) and resumes from the commits (windows it re-emits carry the same
// values: the table is upserted). Every window of the measured period equals the ground truth computed
// from the topic itself (exact: counts, sums, min, max), and the category windows equal a GROUP BY over
// the sink's rows; the late events are exactly those the ground truth finds late; high-frequency
// customers match the generator's velocity bursts. data/06-windows.json feeds notebook 06. Ctrl-C stops
// it cleanly, without writing a results file.
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { ensureDatabase, openDb } from '../lib/db/connect.ts';
import { describeMigration, migrate } from '../lib/db/migrate.ts';
import { count, number, parseFlags, seconds, UsageError, seedFlag } from '../lib/flags.ts';
import type { Disordered } from '../lib/generator/disorder.ts';
import { createKafka, createProducer, ensureTopics } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { DeliveryStats, produceLive } from '../lib/produce.ts';
import { Lab06Result } from '../lib/results/lab06.ts';
import { newRunId, writeResult } from '../lib/results/write.ts';
import { PartitionCounts } from '../lib/send.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { topicSpecs } from '../lib/topics.ts';
import { sleep, waitUntil } from '../lib/wait.ts';
import { waitForCaughtUp } from '../lib/lag.ts';
import { type SinkProcess, spawnSink } from '../lib/sink/process.ts';
import { type WindowsProcess, spawnWindows } from '../lib/windows/process.ts';
import { readResults } from '../lib/windows/store.ts';
import { CUSTOMER_WINDOW, standardViews } from '../lib/windows/views.ts';
import { checkViews } from './06-windows/check.ts';
import { replayIdle } from './06-windows/idle-replay.ts';
import { inputStream } from './06-windows/input.ts';
import { drainRange, endOffsets } from '../lib/drain.ts';
import { recomputeTumbling } from './06-windows/sql-recompute.ts';
import { buildResult, printSummary, readOutputs, verdict } from './06-windows/report.ts';
import { describeRate, streamRate } from '../lib/generator/stream-rate.ts';

const c = config();
const flags = {
  name: 'bun run lab:06',
  summary:
    'Windows a disordered live stream with late events and an idle partition, through a crash, and checks every window.',
  shape: {
    duration: seconds(40),
    rate: number().pipe(z.number().positive().max(5_000)).default(300),
    window: number().pipe(z.number().min(1).max(600)).default(5),
    bound: number().pipe(z.number().min(0).max(60)).default(2),
    lateness: number().pipe(z.number().min(0).max(60)).default(1),
    lateShare: number().pipe(z.number().min(0).max(0.5)).default(0.02),
    idle: number().pipe(z.number().min(0).max(600)).default(4),
    idleFor: number().pipe(z.number().min(0).max(600)).optional(),
    noKill: z.boolean().default(false),
    seed: seedFlag(),
  },
  help: {
    duration: 'seconds of measured stream (every window of it is checked)',
    rate: 'base rate, events per second (× PEAK_FACTOR in peak hours, 09–18 UTC)',
    window: 'tumbling window, seconds (the hopping one is twice that, every window)',
    bound: 'disorder bound: events are delayed up to this, and the watermark trails by it, seconds',
    lateness: 'allowed lateness: windows close this long after the watermark passes their end, seconds',
    lateShare: 'share of events delayed far past bound + lateness (late on purpose)',
    idle: 'idle timeout: seconds without events before a partition stops holding the watermark (0: never)',
    idleFor: 'seconds one partition gets no events, from a third of the run (default: 30 % of --duration, at most 12)',
    noKill: 'do not SIGKILL the windows process mid-run',
    seed: 'generator seed (default: new each run)',
  },
};

/** The kill as the run saw it: when, and when the new process emitted past where the old one stopped. */
function killSummary(
  k: { atS?: number; restartedS?: number; before?: number },
  samples: Lab06Result['samples']['watermark'],
  lines: string[],
): Lab06Result['metrics']['kill'] {
  if (k.atS === undefined || k.restartedS === undefined) return null;
  const atKill = Math.max(
    Number.NEGATIVE_INFINITY,
    ...samples.filter((p) => p.t_s < k.atS! && p.watermark_s !== null).map((p) => p.watermark_s!),
  );
  const again = samples.find((p) => p.t_s > k.restartedS! && p.watermark_s !== null && p.watermark_s > atKill);
  return {
    at_s: k.atS,
    restarted_at_s: k.restartedS,
    emitting_again_s: again?.t_s ?? null,
    events_before: k.before ?? 0,
    resumed_from_commit: lines.some((l) => l.includes('resumes at offset')),
  };
}

await runLab('lab 06', async ({ signal }) => {
  const a = parseFlags(flags);
  const say = (line: string) => console.log(`lab 06: ${line}`);
  const ms = (s: number) => Math.round(s * 1000);
  const idleFor = a.idleFor ?? Math.min(12, Math.round(a.duration * 0.3));
  if (idleFor >= a.duration * 0.6)
    throw new UsageError(`--idle-for ${idleFor} must be under 60 % of --duration ${a.duration}`);
  if (a.duration < 2 * a.window)
    throw new UsageError(`--duration ${a.duration} must hold at least two --window ${a.window} windows to check`);
  const runId = newRunId('06');
  const startedAt = new Date();
  const seed = a.seed ?? Math.floor(Math.random() * 2 ** 31);
  const windowMs = ms(a.window);
  const views = standardViews(windowMs);
  // the earliest window start this run can have: its longest window before t0
  const earliestMs = Math.max(2 * windowMs, CUSTOMER_WINDOW.sizeMs);
  const [boundMs, latenessMs] = [ms(a.bound), ms(a.lateness)];
  // late on purpose: past every category/merchant window of the event, with 3 s to spare
  const lateByMs = 2 * windowMs + latenessMs + 3_000;
  // the tail: long enough for the late events of the measured period to arrive and every window that
  // overlaps it (the customer view's 30 s ones too) to close
  const tailS =
    Math.ceil((Math.max(2 * windowMs + 2 * lateByMs, CUSTOMER_WINDOW.sizeMs) + boundMs + latenessMs) / 1000) + 2;
  const partitions = c.transactionsPartitions;
  const [topic, group] = [c.topics.transactions, c.windows.group];

  // 1. engines, topics, tables; the windows group starts at the end of the topic
  await ensureStack({ engines: ['kafka', 'db'] });
  const kafka = createKafka('lab06-windows');
  const admin = kafka.admin();
  await admin.connect();
  await ensureDatabase(c.db.url);
  const db = await openDb(c.db.url, 2);
  const producer = createProducer(kafka);
  let windows: WindowsProcess | undefined;
  let sink: SinkProcess | undefined;
  try {
    await ensureTopics(admin, topicSpecs(c));
    say(`${db.server}: ${describeMigration(await migrate(db))}`);
    const floors = {
      transactions: await endOffsets(kafka, topic),
      late: await endOffsets(kafka, c.topics.late),
      anomalies: await endOffsets(kafka, c.topics.anomalies),
    };
    await admin.setOffsets({
      groupId: group,
      topic,
      partitions: [...floors.transactions].map(([partition, offset]) => ({ partition, offset: String(offset) })),
    });

    // 2. the windows process; the measured period starts on a window boundary, a few seconds ahead
    const t0 = Math.ceil(Date.now() / windowMs) * windowMs + windowMs;
    const watermark: Lab06Result['samples']['watermark'] = [];
    const start = async (name: string) => {
      const w = spawnWindows({
        name,
        window: a.window,
        bound: a.bound,
        lateness: a.lateness,
        idle: a.idle,
        onLine: (line) => console.log(`  ${name}: ${line}`),
      });
      await w.ready;
      return w;
    };
    // windows a run just before this one stored over the same stretch of time would read as extra ones
    const [cleared] = await db.pool.query('DELETE FROM window_results WHERE window_start >= ?', [t0 - earliestMs]);
    const n = (cleared as { affectedRows: number }).affectedRows;
    if (n > 0) say(`cleared ${n} stored windows of an earlier run that overlap this one's time`);
    // the sink stores the same stream in SQL, for a second opinion on the windows at the end
    sink = spawnSink({ id: 'sink-06', onLine: (line) => console.log(`  ${line}`) });
    windows = await start('windows-1');
    await sink.ready;
    const sampler = setInterval(() => {
      const p = windows?.progress();
      const up = windows?.running() ?? false;
      watermark.push({
        t_s: (Date.now() - t0) / 1000,
        watermark_s: p?.frontierMs != null && up ? (p.frontierMs - t0) / 1000 : null,
        open_panes: up ? (p?.openPanes ?? 0) : 0,
        idle_partitions: up ? (p?.idlePartitions.length ?? 0) : 0,
        up,
      });
    }, 500);

    // 3. the stream, live; one SIGKILL of the windows process and a restart
    await producer.connect();
    const measuredEndMs = t0 + ms(a.duration);
    const idle = {
      partition: partitions - 1,
      fromMs: t0 + ms(a.duration / 3),
      toMs: t0 + ms(a.duration / 3 + idleFor),
    };
    const plan = {
      t0,
      measuredEndMs,
      streamEndMs: measuredEndMs + tailS * 1000,
      rate: a.rate,
      seed,
      partitions,
      idle,
      boundMs,
      lateShare: a.lateShare,
      lateByMs,
    };
    say(
      `seed ${seed}: ${a.duration} s measured + ${tailS} s tail at ${describeRate(streamRate({ base: a.rate, peakFactor: c.generator.peakFactor, fromMs: t0, toMs: measuredEndMs }))} from ${new Date(t0).toISOString()}; ` +
        `disorder ≤ ${a.bound} s, ${(a.lateShare * 100).toFixed(1)} % delayed ${lateByMs / 1000}+ s; partition ${idle.partition} quiet over [${(a.duration / 3).toFixed(1)}, ${(a.duration / 3 + idleFor).toFixed(1)}) s`,
    );
    const killAtMs = a.noKill ? null : t0 + ms(a.duration * 0.6);
    const killed: { atS?: number; restartedS?: number; before?: number } = {};
    const killer =
      killAtMs === null
        ? Promise.resolve()
        : (async () => {
            await sleep(Math.max(0, killAtMs - Date.now()), signal);
            if (signal.aborted) return;
            const before = windows!.progress()?.events ?? 0;
            await windows!.kill();
            say(
              `SIGKILLed the windows process at ${((Date.now() - t0) / 1000).toFixed(1)} s (${before} events read); starting another`,
            );
            windows = await start('windows-2');
            Object.assign(killed, { atS: (killAtMs - t0) / 1000, restartedS: (Date.now() - t0) / 1000, before });
          })();
    const stats = new DeliveryStats();
    // many customers, so that 5 in a minute stands out (1,000 at 300/s would each pay 18 times a minute)
    const gen = { ...c.generator, customerCount: Math.max(c.generator.customerCount, 100_000) };
    const sent = (await produceLive(
      producer,
      new PartitionCounts(kafka),
      { transactions: topic, labels: c.topics.labels },
      inputStream(gen, plan),
      stats,
      {
        durationMs: plan.streamEndMs - Date.now() + 60_000,
        signal,
        onTick: (el) => {
          if (Math.round(el / 1000) % 5 === 0) {
            const p = windows?.progress();
            const wm = p?.frontierMs ? `${((p.frontierMs - t0) / 1000).toFixed(1)} s` : '—';
            say(
              `t=${Math.max(0, (Date.now() - t0) / 1000).toFixed(0)} s: sent ${stats.acked}, watermark ${wm}, open windows ${p?.openPanes ?? 0}, idle partitions ${p?.idlePartitions.join(',') || 'none'}`,
            );
          }
        },
      },
    )) as Disordered[];
    await killer;

    // 4. wait for the windows of the measured period to close
    if (!signal.aborted)
      await waitUntil(
        'the windows process to emit every window of the measured period',
        () => (windows!.progress()?.frontierMs ?? 0) >= measuredEndMs + latenessMs,
        { timeoutMs: 60_000, intervalMs: 200, signal },
      );
    clearInterval(sampler);
    const kill = killSummary(killed, watermark, windows.lines());
    await windows.stop();
    if (!signal.aborted)
      await waitForCaughtUp(admin, c.sink.group, topic, { timeoutMs: 90_000, intervalMs: 200, signal });
    await sink.stop();
    if (signal.aborted) {
      say('stopped before the end: nothing checked, no results file written');
      return;
    }

    // 5. read back: the input as each partition holds it, the late and anomaly topics, the stored windows
    const highs = {
      transactions: await endOffsets(kafka, topic),
      late: await endOffsets(kafka, c.topics.late),
      anomalies: await endOffsets(kafka, c.topics.anomalies),
    };
    const input = await drainRange(kafka, topic, floors.transactions, highs.transactions);
    const outputs = await readOutputs(kafka, c.topics, floors, highs);
    const stored = await readResults(db.pool, t0 - earliestMs, measuredEndMs);
    const perPartition = new Map([...input].map(([p, ms]) => [p, ms.map((m) => JSON.parse(m.value!.toString()))]));
    const closedLate = new Set(
      outputs.late
        .filter((l) => l.reason === 'closed')
        .flatMap((l) => l.windows.map((w) => `${l.view}|${l.transaction_id}|${w}`)),
    );
    const { checks, expectedLate } = checkViews({
      views,
      perPartition,
      closedLate,
      stored,
      boundMs,
      latenessMs,
      endMs: measuredEndMs,
      t0,
    });
    const lastEnd = t0 + Math.floor((measuredEndMs - t0) / windowMs) * windowMs;
    const sqlRecompute = await recomputeTumbling(db.pool, {
      view: 'category_tumbling',
      windowMs,
      fromMs: t0,
      toMs: lastEnd,
      late: new Set(outputs.late.filter((l) => l.view === 'category_tumbling').map((l) => l.transaction_id)),
      run: new Set([...perPartition.values()].flat().map((e) => e.transaction_id)),
      stored,
      t0,
    });
    const idleReplay = replayIdle(sent, {
      view: views[0]!,
      partitions,
      boundMs,
      latenessMs,
      idleTimeoutMs: ms(a.idle),
      t0,
      endMs: plan.streamEndMs,
    });
    const [writtenRows] = await db.pool.query(
      `SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', written_at) - window_end * 1000 AS delay_us
         FROM window_results WHERE view_name = 'category_tumbling' AND window_start >= ? AND window_end <= ?`,
      [t0 - earliestMs, measuredEndMs],
    );

    // 6. report, write
    const run = {
      runId,
      startedAt,
      config: c,
      args: { ...a, idleFor },
      seed,
      plan,
      tailS,
      group,
      sent,
      stats,
      checks,
      expectedLate,
      outputs,
      perPartition,
      kill,
      idleReplay,
      watermark,
      resultDelaysS: (writtenRows as { delay_us: number }[]).map((r) => Number(r.delay_us) / 1e6),
      stored,
      sqlRecompute,
      views,
    };
    printSummary(run);
    say(`wrote ${writeResult(Lab06Result, buildResult(run))}`);
    const wrong = verdict(buildResult(run).metrics, idle.partition, outputs);
    if (wrong.length > 0) throw new Error(`lab 06: ${wrong.join('; ')} (see above)`);
  } finally {
    await windows?.stop().catch(() => {});
    await sink?.stop().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await db.pool.end().catch(() => {});
  }
});
