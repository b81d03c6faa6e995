// Check of exercise 05-2: your workflow file is bundled and run by a Temporal worker in this process,
// against the embedded Temporal dev server on a task queue of the check's own, with the lab's real
// activities (an isolated MariaDB database for the history and the verdicts, a Kafka topic of its own
// for the published ones). Nine seeded reviews start at once, each followed by its scripted analyst
// signals; each must end with exactly the verdict, decider and analysts worked out by hand below, and
// the verdict stored in the database must be the one the workflow returned.
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { type CheckResult, compareKeyed, defineExercise } from '../../lib/exercises/define.ts';
import { MissingSolution } from '../../lib/exercises/missing.ts';
import { transaction } from '../../lib/fixtures/transaction.ts';
import { policyFrom, reviewInput } from '../../lib/fraud/detect/policy.ts';
import type { RuleHit } from '../../lib/fraud/detect/rules/types.ts';
import { createActivities } from '../../lib/fraud/review/activities.ts';
import { reviewWorkflowId } from '../../lib/fraud/review/client.ts';
import { kafkaVerdictPublisher } from '../../lib/fraud/review/publisher.ts';
import type { AnalystDecision, Verdict } from '../../lib/fraud/review/schemas.ts';
import { SqlHistoryReader } from '../../lib/fraud/review/sql/history.ts';
import { setupFraudTestEnv } from '../../lib/fraud/review/testing.ts';
import { connectWorker, installRuntime } from '../../lib/fraud/review/worker.ts';
import { seededRng, uuid4 } from '../../lib/random.ts';
import { PartitionCounts } from '../../lib/send.ts';

type Impl = typeof import('./solution.ts');

/** a hold waits this long for the analysts in the check (the lab: 15 s) */
const HOLD_TIMEOUT_MS = 4_000;
const hit = (rule: RuleHit['rule'], score: number): RuleHit => ({ rule, score, reason: `${rule} (exercise 05-2)` });
const HOLD = [hit('velocity', 0.6)]; // 0.6: between hold (0.5) and decline (0.8), and no record explains velocity away
const DECLINE = [hit('impossible_travel', 0.75), hit('new_device', 0.35)]; // 0.84: declined by the rules

const approve = (analyst: string): AnalystDecision => ({ decision: 'approve', analyst });
const decline = (analyst: string): AnalystDecision => ({ decision: 'decline', analyst });

type Case = { name: string; amount: number; hits: RuleHit[]; signals: AnalystDecision[]; expect: string };
const CASES: Case[] = [
  {
    name: 'A small, alice approves',
    amount: 1_500_000,
    hits: HOLD,
    signals: [approve('alice')],
    expect: 'approve by analyst (alice)',
  },
  {
    name: 'B small, bob declines, then alice approves',
    amount: 1_500_000,
    hits: HOLD,
    signals: [decline('bob'), approve('alice')],
    expect: 'decline by analyst (bob)',
  },
  {
    name: 'C 1,999,999, dave approves',
    amount: 1_999_999,
    hits: HOLD,
    signals: [approve('dave')],
    expect: 'approve by analyst (dave)',
  },
  {
    name: 'D 2,000,000, only alice approves',
    amount: 2_000_000,
    hits: HOLD,
    signals: [approve('alice')],
    expect: 'decline by timeout',
  },
  {
    name: 'E large, alice and bob approve',
    amount: 3_000_000,
    hits: HOLD,
    signals: [approve('alice'), approve('bob')],
    expect: 'approve by analyst (alice, bob)',
  },
  {
    name: 'F large, alice approves twice',
    amount: 3_000_000,
    hits: HOLD,
    signals: [approve('alice'), approve('alice')],
    expect: 'decline by timeout',
  },
  {
    name: 'G large, alice approves, carol declines, bob approves',
    amount: 3_000_000,
    hits: HOLD,
    signals: [approve('alice'), decline('carol'), approve('bob')],
    expect: 'decline by analyst (carol)',
  },
  { name: 'H large, nobody answers', amount: 3_000_000, hits: HOLD, signals: [], expect: 'decline by timeout' },
  {
    name: 'I large, the rules decline it outright',
    amount: 3_000_000,
    hits: DECLINE,
    signals: [],
    expect: 'decline by rules',
  },
];

const show = (v: Pick<Verdict, 'verdict' | 'decided_by' | 'analyst'>) =>
  `${v.verdict} by ${v.decided_by}${v.analyst ? ` (${v.analyst})` : ''}`;

export default defineExercise<Impl>({
  id: '05-2-four-eyes',
  title: 'A step in the review workflow: large holds need two analysts',
  teaches:
    'signals as durable messages, a condition with a durable timer, and workflow state that Temporal rebuilds by replay',
  minutes: 25,
  engines: ['kafka', 'db', 'temporal'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check(impl): Promise<CheckResult> {
    // the workflow file to bundle: the one this module was loaded from
    const file =
      impl === (await import('./solution.ts'))
        ? 'solution.ts'
        : impl === (await import('./wrong.ts'))
          ? 'wrong.ts'
          : 'exercise.ts';
    const t = await setupFraudTestEnv();
    try {
      installRuntime('ERROR');
      const [bundle, connection] = await Promise.all([
        bundleWorkflowCode({
          workflowsPath: fileURLToPath(new URL(`./${file}`, import.meta.url)),
          logger: new DefaultLogger('ERROR'),
        }),
        connectWorker(t.config),
      ]);
      const worker = await Worker.create({
        connection,
        namespace: t.config.temporal.namespace,
        taskQueue: t.target.taskQueue,
        workflowBundle: { code: bundle.code },
        activities: createActivities({
          history: new SqlHistoryReader(t.pool, t.config.fraud.tables.history),
          verdicts: t.verdicts,
          publisher: kafkaVerdictPublisher(t.producer, new PartitionCounts(t.kafka), t.config.topics.verdicts),
          attempts: t.attempts,
        }),
        // an error thrown in the workflow (MissingSolution, a bug) fails it, instead of retrying its task forever
        workflowFailureErrorTypes: { '*': ['Error'] },
        stickyQueueScheduleToStartTimeout: '3 seconds',
        shutdownGraceTime: '2 seconds',
      });
      try {
        const outcomes = await worker.runUntil(() => runCases(t, impl));
        const failed = [...outcomes.values()].find((o) => o.failure?.type === 'MissingSolution');
        if (failed) throw new MissingSolution(failed.failure!.message.replace(/^not written yet: /, ''));
        const got = new Map(
          [...outcomes].map(([name, o]) => [name, o.failure ? `failed: ${o.failure.message}` : o.shown]),
        );
        const r = compareKeyed(new Map(CASES.map((c) => [c.name, c.expect])), got, (s) => s, CASES.length);
        const stored = [...outcomes].filter(([, o]) => o.verdict && o.stored !== o.shown);
        return {
          ok: r.ok && stored.length === 0,
          lines: [
            `${CASES.length} reviews (hold timeout ${HOLD_TIMEOUT_MS / 1000} s, two analysts from ${impl.TWO_ANALYSTS_FROM.toLocaleString('en-US')}): ${r.lines[0]}`,
            ...r.lines.slice(1),
            ...stored.map(([name, o]) => `  ${name}: returned ${o.shown}, but the database holds ${o.stored}`),
          ],
        };
      } finally {
        await connection.close().catch(() => {});
      }
    } finally {
      await t.cleanup();
    }
  },
});

type Outcome = { verdict?: Verdict; shown: string; stored: string; failure?: { type: string; message: string } };

/** Starts every review, sends its signals in order, and waits for all of them (at most timeout + 12 s). */
async function runCases(t: Awaited<ReturnType<typeof setupFraudTestEnv>>, impl: Impl): Promise<Map<string, Outcome>> {
  const rng = seededRng(52);
  const policy = policyFrom(undefined, { hold_timeout_ms: HOLD_TIMEOUT_MS });
  const deadline = Date.now() + HOLD_TIMEOUT_MS + 12_000;
  const out = new Map<string, Outcome>();
  await Promise.all(
    CASES.map(async (c, i) => {
      const tx = transaction({
        transaction_id: uuid4(rng),
        customer_id: `cust_52${i}`,
        amount: c.amount,
        timestamp: new Date().toISOString(),
      });
      const score = 1 - c.hits.reduce((p, h) => p * (1 - h.score), 1);
      const input = reviewInput(
        tx,
        {
          transaction_id: tx.transaction_id,
          customer_id: tx.customer_id,
          score,
          hits: c.hits,
          risky: true,
          redelivered: false,
        },
        policy,
      );
      const handle = await t.client.workflow.start(impl.reviewTransaction, {
        taskQueue: t.target.taskQueue,
        workflowId: reviewWorkflowId(t.target.workflowPrefix, tx.transaction_id),
        args: [input],
      });
      for (const s of c.signals) await handle.signal(impl.analystDecision, s);
      const result = await Promise.race([
        handle.result().then(
          (v: Verdict) => ({ v }),
          (e) => ({ e }),
        ),
        Bun.sleep(Math.max(0, deadline - Date.now())).then(() => ({ late: true as const })),
      ]);
      if ('late' in result) {
        await handle.terminate('exercise 05-2: still running at the check’s deadline').catch(() => {});
        out.set(c.name, {
          shown: `still running ${((HOLD_TIMEOUT_MS + 12_000) / 1000).toFixed(0)} s after it started (does the wait end at the timeout?)`,
          stored: '',
        });
      } else if ('e' in result) {
        const cause =
          result.e instanceof WorkflowFailedError ? (result.e.cause as { type?: string; message: string }) : undefined;
        out.set(c.name, {
          shown: '',
          stored: '',
          failure: { type: cause?.type ?? 'Error', message: cause?.message ?? String(result.e) },
        });
      } else {
        const db = await t.verdicts.get(tx.transaction_id);
        out.set(c.name, { verdict: result.v, shown: show(result.v), stored: db ? show(db) : 'nothing' });
      }
    }),
  );
  return out;
}
