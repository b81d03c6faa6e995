#!/usr/bin/env bun
// The analyst's command line for lab 05's holds:
//   bun run analyst list                       transactions waiting for a decision
//   bun run analyst approve <transaction_id>   approve one (the review workflow records it)
//   bun run analyst decline <transaction_id>   decline one
// Options: --analyst NAME (who decides, recorded with the verdict), --note TEXT.
// A hold that nobody answers is declined when its hold times out (lab 05's --hold-timeout).
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { withDb } from '../lib/db/connect.ts';
import { decideHeld, heldReviews } from '../lib/fraud/review/analyst.ts';
import { withClient } from '../lib/fraud/review/client.ts';
import { VerdictStore } from '../lib/fraud/review/sql/verdicts.ts';
import { UsageError, parseFlags } from '../lib/flags.ts';
import { runLab } from '../lib/lab.ts';
import { table } from '../lib/terminal.ts';

const USAGE =
  'usage: bun run analyst list | approve <transaction_id> | decline <transaction_id> [--analyst NAME] [--note TEXT]';
const flags = {
  name: 'bun run analyst',
  summary: 'Lists held transactions, or approves / declines one.',
  shape: {
    analyst: z.string().trim().min(1).max(64).default('analyst'),
    note: z.string().max(500).optional(),
  },
  help: { analyst: 'who decides (recorded with the verdict)', note: 'why, recorded with the verdict' },
};

await runLab('analyst', async () => {
  const c = config();
  const [command, txid, ...rest] = Bun.argv.slice(2);
  if (command === undefined || command === '--help' || command === 'help') {
    console.log(
      `${USAGE}\n\n  list                      transactions waiting for a decision\n  approve|decline <id>      send the analyst's decision to the review workflow`,
    );
    return;
  }
  if (command !== 'list' && command !== 'approve' && command !== 'decline')
    throw new UsageError(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  const args = parseFlags(
    flags,
    command === 'list' ? [txid, ...rest].filter((a): a is string => a !== undefined) : rest,
  );
  const target = { taskQueue: c.fraud.taskQueue, workflowPrefix: c.fraud.workflowPrefix };
  await withClient(c, async (client) => {
    if (command === 'list') {
      const held = await withDb(c.db.url, ({ pool }) =>
        heldReviews(client, new VerdictStore(pool, c.fraud.tables.verdicts)),
      );
      if (held.length === 0) return console.log('No transactions on hold.');
      console.log(
        table(
          held.map((h) => ({
            transaction_id: h.transaction_id,
            customer: h.customer_id,
            score: Number(h.score.toFixed(2)),
            rules: h.rules.join(','),
            'held since': h.decided_at.slice(11, 19),
            'declines at': h.hold_until?.slice(11, 19) ?? '-',
          })),
          `${held.length} on hold (times UTC)`,
        ),
      );
      return;
    }
    if ((command !== 'approve' && command !== 'decline') || txid === undefined) throw new UsageError(USAGE);
    if (!z.uuid().safeParse(txid).success)
      throw new UsageError(`${JSON.stringify(txid)} is not a transaction id (a UUID)\n${USAGE}`);
    const decision = { decision: command, analyst: args.analyst, ...(args.note ? { note: args.note } : {}) } as const;
    const held = await withDb(c.db.url, ({ pool }) =>
      decideHeld(client, new VerdictStore(pool, c.fraud.tables.verdicts), target, txid, decision),
    );
    console.log(
      `${command === 'approve' ? 'approved' : 'declined'} ${txid} (${held.customer_id}, score ${held.score.toFixed(2)}, ${held.rules.join(', ')}): signal sent to ${held.workflow_id}`,
    );
  });
});
