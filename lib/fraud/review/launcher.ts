// Starts review workflows with at most `maxInFlight` open at once (started, not yet finished). When
// all slots are taken, `submit` waits: a burst of risky transactions slows the fraud consumer (Kafka
// lag grows, nothing is lost) instead of piling thousands of workflows onto the server. Holds count
// as open until they resolve, so the hold timeout bounds how long one can keep a slot.
//
// The wait for a slot always ends: when a slot frees, when the caller is stopping (its signal, or
// `stopping()`, e.g. kafkajs's `!isRunning()` on disconnect), when the launcher is closed (`close`:
// the worker is gone, no slot will free), or after `slotTimeoutMs`. Then `submit` starts nothing and
// returns undefined: the consumer leaves the message unresolved, to be read again.
import type { Client } from '@temporalio/client';
import { sleep, waitFor } from '../../wait.ts';
import { fraudMetrics } from '../metrics.ts';
import { type ReviewTarget, type StartResult, startReview } from './client.ts';
import type { ReviewInput, Verdict } from './schemas.ts';

export type LaunchStats = {
  started: number;
  duplicates: number;
  completed: number;
  failed: number;
  inFlight: number;
  /** submits that found every slot taken */
  waits: number;
  /** of those, how many gave up after `slotTimeoutMs` */
  timedOut: number;
};

export type LauncherOptions = ReviewTarget & {
  maxInFlight: number;
  /** longest wait for a free slot (default 120 s) */
  slotTimeoutMs?: number;
};

export type SubmitOptions = {
  /** called about once a second while waiting (e.g. a Kafka heartbeat) */
  whileWaiting?: () => Promise<void>;
  signal?: AbortSignal;
  /** checked about once a second while waiting: true when the caller is stopping */
  stopping?: () => boolean;
};

export const DEFAULT_SLOT_TIMEOUT_MS = 120_000;

export class ReviewLauncher {
  private readonly open = new Set<string>();
  /** submits past the slot check whose start has not returned yet: each holds a slot (starts run concurrently) */
  private starting = 0;
  private readonly waiters = new Set<() => void>();
  private closedBecause: string | undefined;
  readonly stats: LaunchStats = {
    started: 0,
    duplicates: 0,
    completed: 0,
    failed: 0,
    inFlight: 0,
    waits: 0,
    timedOut: 0,
  };

  constructor(
    private readonly client: Client,
    private readonly target: LauncherOptions,
    private readonly onFinished?: (workflowId: string, outcome: { verdict: Verdict } | { error: Error }) => void,
  ) {}

  /** Waits for a slot, then starts the review; undefined if the wait ended without one (see the header). */
  async submit(input: ReviewInput, o: SubmitOptions = {}): Promise<StartResult | undefined> {
    if (this.closedBecause !== undefined) return undefined;
    if (this.taken() >= this.target.maxInFlight) {
      this.stats.waits++;
      const deadline = performance.now() + (this.target.slotTimeoutMs ?? DEFAULT_SLOT_TIMEOUT_MS);
      while (this.taken() >= this.target.maxInFlight) {
        if (o.signal?.aborted || o.stopping?.() || this.closedBecause !== undefined) return undefined;
        const left = deadline - performance.now();
        if (left <= 0) {
          this.stats.timedOut++;
          return undefined;
        }
        let woken = () => {};
        const wake = new Promise<void>((r) => this.waiters.add((woken = r)));
        await Promise.race([wake, sleep(Math.min(1000, left), o.signal)]);
        this.waiters.delete(woken);
        await o.whileWaiting?.();
      }
      if (this.closedBecause !== undefined) return undefined;
    }
    this.starting++;
    try {
      const result = await startReview(this.client, this.target, input);
      if (result.started) {
        this.stats.started++;
        this.follow(result.workflowId);
      } else this.stats.duplicates++;
      return result;
    } finally {
      this.starting--;
      // a duplicate or a failed start gives its slot back
      this.wakeAll();
    }
  }

  /** slots held: reviews open, and starts under way */
  private taken(): number {
    return this.open.size + this.starting;
  }

  /** No more starts: a waiting `submit` returns undefined at once, and so does every later one. */
  close(reason: string): void {
    this.closedBecause ??= reason;
    this.wakeAll();
  }

  /** why the launcher was closed, if it was */
  get closed(): string | undefined {
    return this.closedBecause;
  }

  /** The reviews started here that have not finished yet. */
  openReviews(): string[] {
    return [...this.open];
  }

  /** Resolves when no review started here is still open, or after `timeoutMs` (returns how many are). */
  async drain(timeoutMs: number, signal?: AbortSignal): Promise<number> {
    await waitFor(() => this.open.size === 0, { timeoutMs, intervalMs: 100, signal });
    return this.open.size;
  }

  private wakeAll() {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  private follow(workflowId: string) {
    this.open.add(workflowId);
    this.stats.inFlight = this.open.size;
    fraudMetrics.reviewsInFlight.inc();
    this.client.workflow
      .getHandle(workflowId)
      .result()
      .then(
        (verdict: Verdict) => {
          this.stats.completed++;
          this.onFinished?.(workflowId, { verdict });
        },
        (error: Error) => {
          this.stats.failed++;
          this.onFinished?.(workflowId, { error });
        },
      )
      .finally(() => {
        fraudMetrics.reviewsInFlight.dec();
        this.open.delete(workflowId);
        this.stats.inFlight = this.open.size;
        this.wakeAll();
      });
  }
}
