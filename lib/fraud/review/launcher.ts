// Starts review workflows with at most `maxInFlight` open at once (started, not yet finished). When
// all slots are taken, `submit` waits: a burst of risky transactions slows the fraud consumer (Kafka
// lag grows, nothing is lost) instead of piling thousands of workflows onto the server. Holds count
// as open until they resolve, so the hold timeout bounds how long one can keep a slot.
import type { Client } from '@temporalio/client';
import { sleep, waitFor } from '../../wait.ts';
import { type ReviewTarget, type StartResult, startReview } from './client.ts';
import type { ReviewInput, Verdict } from './schemas.ts';

export type LaunchStats = {
  started: number;
  duplicates: number;
  completed: number;
  failed: number;
  inFlight: number;
  waits: number;
};

export class ReviewLauncher {
  private readonly open = new Set<string>();
  private wake: (() => void) | undefined;
  readonly stats: LaunchStats = { started: 0, duplicates: 0, completed: 0, failed: 0, inFlight: 0, waits: 0 };

  constructor(
    private readonly client: Client,
    private readonly target: ReviewTarget & { maxInFlight: number },
    private readonly onFinished?: (workflowId: string, outcome: { verdict: Verdict } | { error: Error }) => void,
  ) {}

  /** Waits for a slot (calling `whileWaiting` about once a second, e.g. a Kafka heartbeat), then starts. */
  async submit(
    input: ReviewInput,
    whileWaiting?: () => Promise<void>,
    signal?: AbortSignal,
  ): Promise<StartResult | undefined> {
    if (this.open.size >= this.target.maxInFlight) this.stats.waits++;
    while (this.open.size >= this.target.maxInFlight) {
      if (signal?.aborted) return undefined;
      await Promise.race([new Promise<void>((r) => (this.wake = r)), sleep(1000, signal)]);
      await whileWaiting?.();
    }
    const result = await startReview(this.client, this.target, input);
    if (result.started) {
      this.stats.started++;
      this.follow(result.workflowId);
    } else this.stats.duplicates++;
    return result;
  }

  /** Resolves when no review started here is still open, or after `timeoutMs` (returns how many are). */
  async drain(timeoutMs: number, signal?: AbortSignal): Promise<number> {
    await waitFor(() => this.open.size === 0, { timeoutMs, intervalMs: 100, signal });
    return this.open.size;
  }

  private follow(workflowId: string) {
    this.open.add(workflowId);
    this.stats.inFlight = this.open.size;
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
        this.open.delete(workflowId);
        this.stats.inFlight = this.open.size;
        this.wake?.();
      });
  }
}
