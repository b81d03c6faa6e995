// Lab 05's live phase. `play`: the seeded stream in time-lapse, a point on the timeline (and a progress
// line) each second, the worker killed at `killAt` and started again `down` seconds later. `drain`:
// until every live event was read and every review finished (an unanswered hold declines at its
// timeout). `finish`: the last point, and the moments the results plot.
import type { Scheduled, TransactionGenerator } from '../../lib/generator/index.ts';
import { DeliveryStats, produceLive } from '../../lib/produce.ts';
import { fmt, progress } from '../../lib/terminal.ts';
import { waitUntil } from '../../lib/wait.ts';
import type { LabClock } from './clock.ts';
import type { Pipeline } from './pipeline.ts';
import type { Lab05Samples } from './report.ts';
import { liveStream } from './stream.ts';
import type { RunTracker } from './tracker.ts';

export type LiveOptions = {
  /** events per second of wall clock */
  rate: number;
  /** seconds of event time per second of wall clock */
  speed: number;
  /** seconds of live stream */
  duration: number;
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
    this.workerEventsBefore = p.supervisor.events.length; // the first start was before the live clock began
    this.ticker = setInterval(() => this.sample(), 1000);
    p.defer(() => clearInterval(this.ticker));
    if (o.killAt < o.duration) {
      const kill = setTimeout(() => void p.supervisor.crash(), o.killAt * 1000);
      const restart = setTimeout(
        () =>
          p.supervisor
            .start()
            .catch((e) => console.error(`lab 05: the restarted worker failed: ${(e as Error).message}`)),
        (o.killAt + o.down) * 1000,
      );
      p.defer(() => {
        clearTimeout(kill);
        clearTimeout(restart);
      });
    }
    const stream = liveStream(gen, t0, o.rate, o.speed, (e) => this.tracker.add(e, true));
    this.sent = await produceLive(p.producer, p.topics, stream, this.stats, {
      durationMs: o.duration * 1000,
      signal: o.signal,
    });
    this.tracker.keepSent(this.sent);
    this.seconds = this.clock.now();
    return this.sent;
  }

  /** Waits for the reviews, up to the hold timeout plus whatever remains of the outage, plus 30 s. */
  async drain(holdTimeoutMs: number): Promise<void> {
    const { p, o, tracker } = this;
    const outageLeft = Math.max(0, o.killAt + o.down - this.seconds);
    const finished = () =>
      o.signal.aborted ||
      (tracker.liveConsumed >= this.sent.length && p.launcher.stats.inFlight === 0 && p.supervisor.up);
    await waitUntil('the reviews to finish', finished, {
      timeoutMs: holdTimeoutMs + outageLeft * 1000 + 30_000,
      intervalMs: 250,
    }).catch((e) => console.error(`lab 05: ${(e as Error).message}; reporting what finished`));
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
    this.samples.timeline.push(s);
    this.line.update(
      `${s.t_s.toFixed(0)} s  produced ${fmt(s.produced)}  reviewed ${s.reviewed}  in flight ${s.in_flight}  approve ${s.approve}  decline ${s.decline}  hold ${s.hold}  worker ${s.worker_up ? 'up' : 'DOWN'}`,
    );
  }
}
