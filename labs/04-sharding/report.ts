// Lab 04's report: the rows per partition, the key spread under other partition counts, each
// question's pruning and latency three ways, and the Spider layout, as tables and as
// data/04-sharding.json.
import type { Config } from '../../lib/config.ts';
import type { Db } from '../../lib/db/connect.ts';
import { percentiles } from '../../lib/percentiles.ts';
import type { Lab04Result } from '../../lib/results/lab04.ts';
import { envelope } from '../../lib/results/write.ts';
import { fmt, table } from '../../lib/terminal.ts';
import type { Comparison } from './compare.ts';
import { type PartitionRows, skew } from './distribution.ts';
import type { LoadReport } from './load.ts';
import type { KeySpread } from './probe.ts';
import { SPIDER_TABLE } from './spider.ts';
import type { SpiderReport } from './spider-demo.ts';

export type Lab04Run = {
  runId: string;
  startedAt: Date;
  config: Config;
  args: { rows: number; reps: number; budget: number };
  seed: number;
  db: Pick<Db, 'server' | 'dialect'>;
  load: LoadReport;
  /** rows in the lab's table when the queries ran (the load's, unless rows were added by hand) */
  tableRows: number;
  /** rows in the query windows: the last 5 whole minutes and the last 24 whole hours before the anchor */
  windowRows: { last_5_min: number; last_24_h: number };
  parts: PartitionRows[];
  spreads: KeySpread[];
  /** where the loaded events end: every query window ends here */
  anchorMs: number;
  comparisons: Comparison[];
  spider: SpiderReport | null;
  interrupted: boolean;
};

export function printSummary(r: Lab04Run): void {
  const total = r.parts.reduce((s, p) => s + p.rows, 0);
  const mean = total / r.parts.length;
  const layout =
    r.db.dialect === 'mysql' ? `PARTITION BY KEY(customer_id) PARTITIONS ${r.parts.length}` : 'SHARD KEY (customer_id)';
  console.log(
    table(
      r.parts.map((p) => ({
        partition: p.partition,
        ...(p.host ? { leaf: p.host } : {}),
        rows: p.rows,
        ...(p.customers !== null ? { customers: p.customers } : {}),
        'vs mean': `${((p.rows / mean - 1) * 100).toFixed(1)} %`,
      })),
      `\nRows per partition (${layout}): ${fmt(total)} rows, skew (max/mean) ${skew(r.parts).toFixed(3)}`,
    ),
  );
  if (r.spreads.length) {
    console.log(
      table(
        r.spreads.map((s) => ({
          partitions: s.partitions,
          'customers per partition': `${Math.min(...s.rows)} … ${Math.max(...s.rows)}`,
          'skew (max/mean)': s.skew.toFixed(2),
        })),
        `\nThe ${fmt(r.config.generator.customerCount)} customer ids under KEY(customer_id) with other partition counts (MariaDB's string hash mixes its low bits poorly)`,
      ),
    );
  }
  const cell = (cmp: Comparison, v: string) => {
    const found = cmp.variants.find((x) => x.variant === v);
    if (!found) return '-';
    const p = percentiles(found.ms);
    return `${fmtMs(p.p50)} / ${fmtMs(p.p99)}${found.same_answer === false ? ' ✗ differs' : ''}`;
  };
  console.log(
    table(
      r.comparisons.map((cmp) => ({
        question: cmp.run.question,
        partitions: cmp.pruning.pruned
          ? `${cmp.pruning.partitions.join(',')} (1 of ${cmp.pruning.total})`
          : `all ${cmp.pruning.total}`,
        index: cmp.pruning.index ?? 'none (scan)',
        'indexed p50 / p99 ms': cell(cmp, 'indexed'),
        'no index p50 / p99 ms': cell(cmp, 'no_index'),
        'aggregate p50 / p99 ms': cell(cmp, 'aggregate'),
      })),
      `\nQueries on ${fmt(r.tableRows)} rows (windows end where the loaded events end, ${new Date(r.anchorMs).toISOString().slice(0, 16)}Z: the last 5 minutes hold ${fmt(r.windowRows.last_5_min)} rows, the last 24 hours ${fmt(r.windowRows.last_24_h)}; up to ${r.args.reps} runs or ${r.args.budget} s each)`,
    ),
  );
  if (r.spider) printSpider(r.spider);
  const differs = r.comparisons.flatMap((cmp) =>
    cmp.variants.filter((v) => v.same_answer === false).map((v) => `${cmp.run.query} (${v.variant})`),
  );
  console.log(
    `lab 04: ${differs.length ? `answers that differ from the indexed query: ${differs.join(', ')}` : "every variant returned exactly the indexed query's rows"}`,
  );
}

function printSpider(spider: SpiderReport): void {
  const mean = spider.leaves.reduce((s, x) => s + x.rows, 0) / spider.leaves.length;
  console.log(
    table(
      spider.leaves.map((l) => ({
        leaf: l.leaf,
        port: String(l.port),
        rows: l.rows,
        'vs mean': `${((l.rows / mean - 1) * 100).toFixed(1)} %`,
      })),
      `\nRows per leaf (Spider table ${SPIDER_TABLE}: PARTITION BY KEY(customer_id), one partition per leaf; skew ${spider.skew.toFixed(3)})`,
    ),
  );
  console.log(
    table(
      spider.queries.map((q) => ({
        question: q.question,
        'SELECTs per leaf': q.selects_per_leaf.join(' / '),
        reached: q.selects_per_leaf.filter((n) => n > 0).length === 1 ? 'one leaf' : 'all leaves',
        'p50 / p99 ms': `${fmtMs(percentiles(q.ms).p50)} / ${fmtMs(percentiles(q.ms).p99)}`,
      })),
      '\nThrough the Spider table: which leaves each query reached (SELECTs the leaves received), and its latency',
    ),
  );
}

export function buildResult(r: Lab04Run): Lab04Result {
  const { load, parts, comparisons, spider } = r;
  return {
    ...envelope('04-sharding', r.runId, r.startedAt, r.config),
    parameters: {
      rows: r.args.rows,
      seed: r.seed,
      database: r.db.server,
      dialect: r.db.dialect,
      reps: r.args.reps,
      budget_s: r.args.budget,
    },
    metrics: {
      load: {
        mode: load.mode,
        inserted: load.inserted,
        skipped: load.skipped,
        seconds: load.seconds,
        rows_per_s: load.seconds > 0 ? (load.inserted + load.skipped) / load.seconds : 0,
        table_rows: r.tableRows,
        window_rows: r.windowRows,
        window: { from: new Date(load.record.from_ms).toISOString(), to: new Date(load.record.to_ms).toISOString() },
      },
      distribution: {
        partitions: parts.length,
        min: Math.min(...parts.map((p) => p.rows)),
        max: Math.max(...parts.map((p) => p.rows)),
        skew: skew(parts),
      },
      anchor: new Date(r.anchorMs).toISOString(),
      queries: comparisons.map((cmp) => ({
        query: cmp.run.query,
        question: cmp.run.question,
        sql: cmp.sql,
        pruned: cmp.pruning.pruned,
        partitions_read: cmp.pruning.partitions.length,
        partitions_total: cmp.pruning.total,
        index: cmp.pruning.index,
        estimated_rows: cmp.pruning.estimated_rows,
        variants: cmp.variants.map((v) => ({
          variant: v.variant,
          latency_ms: percentiles(v.ms),
          rows: v.rows,
          same_answer: v.same_answer,
        })),
      })),
      spider: spider && {
        rows: spider.leaves.reduce((s, l) => s + l.rows, 0),
        skew: spider.skew,
        leaves: spider.leaves,
        queries: spider.queries.map((q) => ({
          query: q.query,
          question: q.question,
          selects_per_leaf: q.selects_per_leaf,
          latency_ms: percentiles(q.ms),
        })),
      },
      interrupted: r.interrupted,
    },
    samples: {
      key_spread: r.spreads,
      partition_rows: parts,
      latencies: comparisons.flatMap((cmp) =>
        cmp.variants.map((v) => ({ query: cmp.run.query, variant: v.variant, ms: v.ms })),
      ),
      plans: comparisons.flatMap((cmp) => cmp.plans.map((p) => ({ query: cmp.run.query, ...p }))),
    },
  };
}

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}
