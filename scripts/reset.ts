#!/usr/bin/env bun
// `bun run reset`: the labs' data back to nothing, engines left running. Deletes the labs' topics and
// consumer groups, drops their database, and terminates the review workflows still open on their task
// queue, in the configured namespace (TXLAB_PREFIX, none by default). Every lab creates what it needs
// again on its next run. Your results (data/*.json and the run history) stay unless --results.
//   bun run reset               the labs' topics, groups, database, open reviews
//   bun run reset --leftovers   also namespaces that killed tests and benchmarks left (t_<name>_<8 hex>)
//   bun run reset --results     also data/*.json and data/NN-name/ (the notebooks' history)
//   bun run reset --dry-run     say what would go, delete nothing
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { config } from '../lib/config.ts';
import { dbTarget, dropDatabase, poolOptions, withDatabase } from '../lib/db/connect.ts';
import { parseFlags } from '../lib/flags.ts';
import { createKafka, withAdmin } from '../lib/kafka.ts';
import { runLab } from '../lib/lab.ts';
import { withClient } from '../lib/fraud/review/client.ts';
import { ensureStack } from '../lib/stack/index.ts';
import { resetPlan } from './reset/plan.ts';

const flags = {
  name: 'bun run reset',
  summary: "Deletes the labs' topics, consumer groups, database and open reviews (engines keep running).",
  shape: {
    leftovers: z.boolean().default(false),
    results: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  },
  help: {
    leftovers: 'also the namespaces killed tests and benchmarks left behind (t_<name>_<8 hex>)',
    results: 'also the results files and run history under data/ (the notebooks go blank)',
    dryRun: 'list what would be deleted, delete nothing',
  },
};

await runLab('reset', async () => {
  const args = parseFlags(flags);
  const c = config();
  const doing = args.dryRun ? 'would delete' : 'deleted';
  await ensureStack({ engines: ['kafka', 'db', 'temporal'] });

  const kafka = createKafka('txlab-reset', c);
  const existing = await withAdmin(kafka, async (admin) => ({
    topics: await admin.listTopics(),
    groups: (await admin.listGroups()).groups.map((g) => g.groupId),
  }));
  const databases = await listDatabases(c.db.url);
  const plan = resetPlan(c, { ...existing, databases }, { leftovers: args.leftovers });

  // reviews first: an open one would otherwise write its verdict into a database that is gone
  const open = await withClient(c, async (client) => {
    const ids: string[] = [];
    const query = `TaskQueue="${c.fraud.taskQueue}" AND ExecutionStatus="Running"`;
    for await (const w of client.workflow.list({ query })) ids.push(w.workflowId);
    if (!args.dryRun) {
      for (const id of ids)
        await client.workflow
          .getHandle(id)
          .terminate('bun run reset')
          .catch(() => {});
    }
    return ids;
  });
  console.log(
    `reset: ${doing} ${open.length} open review workflow${open.length === 1 ? '' : 's'} (task queue ${c.fraud.taskQueue})`,
  );

  if (!args.dryRun) {
    await withAdmin(kafka, async (admin) => {
      if (plan.groups.length) await admin.deleteGroups(plan.groups);
      if (plan.topics.length) await admin.deleteTopics({ topics: plan.topics, timeout: 30_000 });
    });
    for (const d of plan.databases) await dropDatabase(withDatabase(c.db.url, d));
  }
  console.log(`reset: ${doing} ${plan.topics.length} topics: ${plan.topics.join(', ') || '-'}`);
  console.log(`reset: ${doing} ${plan.groups.length} consumer groups: ${plan.groups.join(', ') || '-'}`);
  console.log(`reset: ${doing} ${plan.databases.length} databases: ${plan.databases.join(', ') || '-'}`);

  if (args.results) {
    const files = existsSync(c.dataDir) ? readdirSync(c.dataDir).filter((f) => f !== '.gitkeep') : [];
    if (!args.dryRun) for (const f of files) rmSync(join(c.dataDir, f), { recursive: true, force: true });
    console.log(`reset: ${doing} ${files.length} results files and history folders under ${c.dataDir}`);
  } else {
    console.log(`reset: results and run history under ${c.dataDir} kept (--results deletes them)`);
  }
  if (!args.dryRun) console.log('reset: done; every lab creates what it needs again on its next run');
});

async function listDatabases(url: string): Promise<string[]> {
  const conn = await mysql.createConnection(poolOptions(dbTarget(url), 1, false));
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SHOW DATABASES');
    return rows.map((r) => String(Object.values(r)[0]));
  } finally {
    await conn.end().catch(() => {});
  }
}
