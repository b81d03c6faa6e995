// Lab 05 plays the analyst once: the first live transaction put on hold is approved, through the same
// path as `bun run analyst approve <id>`. If that fails for 20 s (e.g. the hold was a moment from
// timing out), the next hold is tried.
import type { Client } from '@temporalio/client';
import { waitUntil } from '../../lib/wait.ts';
import { decideHeld } from '../../lib/fraud/review/analyst.ts';
import type { ReviewTarget } from '../../lib/fraud/review/client.ts';
import type { Verdict } from '../../lib/fraud/review/schemas.ts';
import type { VerdictStore } from '../../lib/fraud/review/sql/verdicts.ts';

export type DemoDecision = { transaction_id: string; workflow_id: string; at_s: number };

export class DemoAnalyst {
  decided: DemoDecision | null = null;

  constructor(
    private readonly client: Client,
    private readonly store: Pick<VerdictStore, 'get'>,
    private readonly target: ReviewTarget,
    private readonly clock: () => number,
  ) {}

  /** Call with each held live verdict. */
  consider(v: Verdict): void {
    if (v.verdict !== 'hold' || this.decided !== null) return;
    const pick = { transaction_id: v.transaction_id, workflow_id: v.workflow_id, at_s: this.clock() };
    this.decided = pick;
    const decision = {
      decision: 'approve',
      analyst: 'lab-05',
      note: 'approved by the lab to show the signal',
    } as const;
    waitUntil(
      'the hold to be approved',
      () =>
        decideHeld(this.client, this.store, this.target, v.transaction_id, decision).then(
          () => true,
          () => undefined,
        ),
      { timeoutMs: 20_000, intervalMs: 500 },
    ).catch(() => {
      if (this.decided === pick) this.decided = null;
    });
  }
}
