// The SQL side of lab 07's pipelines: rows into guarantee_outputs (one per output, duplicates and all),
// the exactly-once pipeline's input positions in guarantee_positions, and the audit's read-back.
//
// A position moves by compare-and-set: from the offset this process read it at to the batch's end. If
// another process moved it in between (a zombie: an instance the group already replaced but that is
// still running), the update changes no row, the transaction rolls back, and the zombie stops: that is
// this sink's fencing, as the transactional id is Kafka's.
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { TxlabError } from '../errors.ts';
import type { PipelineId } from './modes.ts';
import type { Settlement } from './settle.ts';

type Conn = Pool | PoolConnection;
export type Scope = { runId: string; pipeline: PipelineId };

/** Another process advanced this partition's position: this one is a zombie and must stop. */
export class FencedError extends TxlabError {}

export async function insertOutputs(conn: Conn, s: Scope, outputs: readonly Settlement[], pid: number): Promise<void> {
  if (outputs.length === 0) return;
  const values = outputs.map((o) => [
    s.runId,
    s.pipeline,
    o.source.partition,
    o.source.offset,
    o.transaction_id,
    o.outcome,
    o.reason,
    o.amount,
    o.payout,
    pid,
  ]);
  await conn.query(
    `INSERT INTO guarantee_outputs
       (run_id, pipeline, source_partition, source_offset, transaction_id, outcome, reason, amount, payout, written_by)
     VALUES ?`,
    [values],
  );
}

/** Each partition's stored position (the offset to read next) for this pipeline's run. */
export async function readPositions(conn: Conn, s: Scope, topic: string): Promise<Map<number, number>> {
  const [rows] = await conn.query<RowDataPacket[]>(
    'SELECT partition_id, next_offset FROM guarantee_positions WHERE run_id = ? AND pipeline = ? AND topic = ?',
    [s.runId, s.pipeline, topic],
  );
  return new Map(rows.map((r) => [Number(r.partition_id), Number(r.next_offset)]));
}

/** Moves a partition's position from `from` (null: none stored yet) to `to`, or throws FencedError. */
export async function movePosition(
  conn: Conn,
  s: Scope,
  at: { topic: string; partition: number; from: number | null; to: number },
): Promise<void> {
  const key = [s.runId, s.pipeline, at.topic, at.partition];
  if (at.from === null) {
    try {
      await conn.query(
        'INSERT INTO guarantee_positions (run_id, pipeline, topic, partition_id, next_offset) VALUES (?, ?, ?, ?, ?)',
        [...key, at.to],
      );
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ER_DUP_ENTRY') throw e;
      throw new FencedError(
        `${s.pipeline}: ${at.topic}[${at.partition}] got a position from another process while this one started it`,
      );
    }
  }
  const [r] = await conn.query<ResultSetHeader>(
    `UPDATE guarantee_positions SET next_offset = ?
      WHERE run_id = ? AND pipeline = ? AND topic = ? AND partition_id = ? AND next_offset = ?`,
    [at.to, ...key, at.from],
  );
  if (r.affectedRows !== 1)
    throw new FencedError(
      `${s.pipeline}: ${at.topic}[${at.partition}] is no longer at offset ${at.from} (another process moved it): stopping`,
    );
}

/** Every output row of a pipeline's run, as the audit counts them. */
export async function readOutputs(pool: Pool, s: Scope): Promise<Pick<Settlement, 'source' | 'outcome'>[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT source_partition, source_offset, outcome FROM guarantee_outputs WHERE run_id = ? AND pipeline = ?',
    [s.runId, s.pipeline],
  );
  return rows.map((r) => ({
    source: { partition: Number(r.source_partition), offset: Number(r.source_offset) },
    outcome: r.outcome as Settlement['outcome'],
  }));
}
