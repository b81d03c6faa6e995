// Lab 05's live phase. `play`: the seeded stream in time-lapse, a point on the timeline (and a progress
// line) each second, the worker killed at `killAt` and started again `down` seconds later. `drain`:
// until every live event was read and every review finished (an unanswered hold declines at its
// timeout). `finish`: the last point, and the moments the results plot. A worker that dies without the
// lab's hand (p.workerLost) ends the stream early and leaves the drain a short deadline: no review
// can finish without a worker, so the lab reports the ones left open instead of waiting for them.
import type { Scheduled, TransactionGenerator } from '../../lib/generator/index.ts';
import { DeliveryStats, produceLive } from '../../lib/produce.ts';
import { fmt, progress } from '../../lib/terminal.ts';
import { waitUntil } from '../../lib/wait.ts';
import type { LabClock } from './clock.ts';
import type { Pipeline } from './pipeline.ts';
import { describeRate, type StreamRatePlan, streamRate } from '../../lib/generator/stream-rate.ts';
import type { Lab05Samples } from './report.ts';
import { liveStream } from './stream.ts';
import type { RunTracker } from './tracker.ts';

/** after a worker died unplanned: how long the open reviews get (a worker of your own on the queue could finish them) */
export const LOST_WORKER_DRAIN_MS = 10_000;

/** A line above the progress line (which it clears on a terminal). */
const say = (line: string) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}lab 05: ${line}\n`);

export type LiveOptions = {
  /** events per second of wall clock */
  rate: number;
  /** seconds of event time per second of wall clock */
  speed: number;
  /** seconds of live stream */
  duration: number;
  /** PEAK_FACTOR: the generator's rate × this in peak hours */
  peakFactor: number;
  /** second at which the worker is killed (≥ duration: never) */
  killAt: number;
  /** seconds it stays down */
  down: number;
  signal: AbortSignal;
};

export class LiveRun {
  readonly stats = new DeliveryStats();
  readonly samples: Lab05Samples = { timeline: [], events: [], analyst: null };
  /** the events sent, and how long sending took (s) */
  sent: Scheduled[] = [];
  seconds = 0;
  /** the rate the generator aims at over the stream's event time (set when it starts) */
  rate: StreamRatePlan | undefined;
  private readonly line = progress('live');
  private ticker: ReturnType<typeof setInterval> | undefined;
  private workerEventsBefore = 0;

  constructor(
    private readonly p: Pipeline,
    private readonly tracker: RunTracker,
    private readonly clock: LabClock,
    private readonly o: LiveOptions,
  ) {}

  async play(gen: TransactionGenerator): Promise<Scheduled[]> {
    const { p, o } = this;
    const t0 = this.clock.restart();
    // event time runs from t0, `speed` times faster than the wall clock
    this.rate = streamRate({
      base: o.rate,
      peakFactor: o.peakFactor,
      fromMs: t0,
      toMs: t0 + o.duration * o.speed * 1000,
    });
    say(`live stream at ${describeRate(this.rate)}`);
    this.workerEventsBefore = p.supervisor.events.length; // the first start was before the live clock began
    this.ticker = setInterval(() => this.sample(), 1000);
    p.defer(() => clearInterval(this.ticker));
    const timers: ReturnType<typeof setTimeout>[] = [];
    if (o.killAt < o.duration) {
      const kill = async () => {
        const pid = await p.supervisor.crash();
        if (pid !== undefined)
          say(
            `SIGKILL to the review worker (pid ${pid}) at ${this.clock.now().toFixed(1)} s; a new one starts in ${o.down} s`,
          );
      };
      const restart = () =>
        p.supervisor.start().then(
          (w) => say(`the new review worker (pid ${w.pid}) polls again at ${w.t_s.toFixed(1)} s`),
          (e) => say(`the restarted worker failed: ${(e as Error).message}`),
        );
      timers.push(setTimeout(kill, o.killAt * 1000), setTimeout(restart, (o.killAt + o.down) * 1000));
    }
    const cancel = () => timers.forEach(clearTimeout);
    p.defer(cancel);
    const onLost = () => {
      cancel(); // nothing more to kill, and no restart: the run ends
      const loss = p.supervisor.loss!;
      say(
        `the review worker died at ${loss.t_s.toFixed(1)} s: ${loss.detail}, not by the lab's hand; no worker is left. ` +
          `Stopping the stream; waiting up to ${LOST_WORKER_DRAIN_MS / 1000} s for the ${p.launcher.stats.inFlight} open reviews, then reporting them`,
      );
    };
    if (p.workerLost.aborted) onLost();
    else p.workerLost.addEventListener('abort', onLost, { once: true });
    const stream = liveStream(gen, t0, o.rate, o.speed, (e) => this.tracker.add(e, true), o.duration);
    this.sent = await produceLive(p.producer, p.counts, p.topics, stream, this.stats, {
      durationMs: o.duration * 1000,
      signal: AbortSignal.any([o.signal, p.workerLost]),
    });
    this.tracker.keepSent(this.sent);
    this.seconds = this.clock.now();
    return this.sent;
  }

  /**
   * Waits for the reviews, up to the hold timeout plus whatever remains of the outage, plus 30 s; once
   * the worker is lost, only up to LOST_WORKER_DRAIN_MS for the reviews already started.
   */
  async drain(holdTimeoutMs: number): Promise<void> {
    const { p, o, tracker } = this;
    const outageLeft = Math.max(0, o.killAt + o.down - this.seconds);
    const finished = () =>
      o.signal.aborted ||
      (tracker.liveConsumed >= this.sent.length && p.launcher.stats.inFlight === 0 && p.supervisor.up);
    if (!p.workerLost.aborted)
      await waitUntil('the reviews to finish', finished, {
        timeoutMs: holdTimeoutMs + outageLeft * 1000 + 30_000,
        intervalMs: 250,
        abort: () => (p.workerLost.aborted ? 'the review worker died' : undefined),
      }).catch((e) => {
        if (!p.workerLost.aborted) say(`${(e as Error).message}; reporting what finished`);
      });
    if (p.workerLost.aborted) {
      const open = await p.launcher.drain(LOST_WORKER_DRAIN_MS, o.signal);
      if (open > 0)
        say(`${open} reviews still open ${LOST_WORKER_DRAIN_MS / 1000} s after the worker died: reporting them`);
    }
    const shown = () => o.signal.aborted || tracker.shown.approve + tracker.shown.decline >= p.launcher.stats.completed;
    await waitUntil('the last verdicts on the topic', shown, { timeoutMs: 10_000, intervalMs: 50 }).catch(() => {});
  }

  /** The last point of the timeline, the worker's moments, the end of the stream and the analyst's approval. */
  finish(): Lab05Samples {
    const { p, samples } = this;
    clearInterval(this.ticker);
    this.sample();
    this.line.done(
      `${fmt(this.stats.acked)} live events in ${this.seconds.toFixed(1)} s; ${p.launcher.stats.started} reviews started, ${p.launcher.stats.completed} finished`,
    );
    samples.events.push(...p.supervisor.events.slice(this.workerEventsBefore), {
      t_s: this.seconds,
      kind: 'live_end',
      detail: `${this.sent.length} events`,
    });
    const a = p.analyst.decided;
    if (a) {
      samples.analyst = { ...a, final_verdict: p.feed.latest.get(a.transaction_id)?.verdict ?? null };
      samples.events.push({ t_s: a.at_s, kind: 'analyst_approved', detail: a.transaction_id });
    }
    return samples;
  }

  private sample(): void {
    const { p, tracker } = this;
    const s = {
      t_s: Math.round(this.clock.now() * 10) / 10,
      produced: this.stats.acked,
      consumed: tracker.liveConsumed,
      reviewed: tracker.liveReviewed,
      in_flight: p.launcher.stats.inFlight,
      completed: p.launcher.stats.completed,
      ...tracker.shown,
      worker_up: p.supervisor.up,
    };
    const worker = s.worker_up ? 'up' : p.supervisor.loss ? 'DOWN (died)' : 'DOWN';
    this.samples.timeline.push(s);
    this.line.update(
      `${s.t_s.toFixed(0)} s  produced ${fmt(s.produced)}  lag ${fmt(Math.max(0, s.produced - s.consumed))}  reviewed ${s.reviewed}  in flight ${s.in_flight}  approve ${s.approve}  decline ${s.decline}  hold ${s.hold}  worker ${worker}`,
    );
  }
}
