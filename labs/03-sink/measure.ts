// What one lab run stored, read from the table: the rows at or after the offsets the run started from
// (its own input), their count, and how long each took from event time and from Kafka to its row;
// with the aggregate audit and the sinks' own counters since the backlog was in, everything the report needs.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { type AggregateAudit, auditAggregates } from '../../lib/sink/audit.ts';
import { type SinkSnapshot, mergeSnapshots } from '../../lib/sink/counters.ts';
import type { SinkProcess } from '../../lib/sink/process.ts';
import { sqlDatetime } from '../../lib/db/literals.ts';
import { countersSince } from './backlog.ts';

export type OffsetFloor = { partition: number; offset: number };

/** A condition selecting rows whose Kafka position is at or after `floors` (the run's first offsets). */
export function sinceOffsets(floors: readonly OffsetFloor[]): string {
  if (floors.length === 0) return 'FALSE';
  return floors
    .map((f) => `(kafka_partition = ${Math.trunc(f.partition)} AND kafka_offset >= ${Math.trunc(f.offset)})`)
    .join(' OR ');
}

export type RunRows = { stored: number; distinct_ids: number; eventToRowMs: number[]; appendToRowMs: number[] };

/** Rows since `floors`; event → row latencies for events at or after `liveFromMs` (the live stream). */
export async function runRows(pool: Pool, floors: readonly OffsetFloor[], liveFromMs: number): Promise<RunRows> {
  const where = sinceOffsets(floors);
  const [[counts], [lat]] = await Promise.all([
    pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS stored, COUNT(DISTINCT transaction_id) AS distinct_ids FROM transactions WHERE ${where}`,
    ),
    pool.query<RowDataPacket[]>(
      `SELECT TIMESTAMPDIFF(MICROSECOND, event_time, ingested_at) AS e_us, TIMESTAMPDIFF(MICROSECOND, kafka_timestamp, ingested_at) AS a_us,
              CASE WHEN event_time >= ? THEN 1 ELSE 0 END AS live
         FROM transactions WHERE ${where}`,
      [sqlDatetime(liveFromMs)],
    ),
  ]);
  return {
    stored: Number(counts[0]?.stored ?? 0),
    distinct_ids: Number(counts[0]?.distinct_ids ?? 0),
    eventToRowMs: lat.filter((r) => Number(r.live) === 1).map((r) => Number(r.e_us) / 1000),
    appendToRowMs: lat.map((r) => Number(r.a_us) / 1000),
  };
}

export type Measured = { rows: RunRows; aggregates: AggregateAudit; sinks: ReturnType<typeof mergeSnapshots> };

/**
 * This run's rows (see runRows), the aggregate tables against a GROUP BY, and the sinks' counters since
 * `baseline` (each sink's counters once the backlog was stored) added up.
 */
export async function measureRun(
  pool: Pool,
  floors: readonly OffsetFloor[],
  liveFromMs: number,
  sinks: readonly SinkProcess[],
  baseline: ReadonlyMap<string, SinkSnapshot>,
): Promise<Measured> {
  const counters = sinks.flatMap((s) => {
    const now = s.snapshot();
    return now ? [countersSince(now, baseline.get(s.id))] : [];
  });
  return {
    rows: await runRows(pool, floors, liveFromMs),
    aggregates: await auditAggregates(pool),
    sinks: mergeSnapshots(counters),
  };
}
