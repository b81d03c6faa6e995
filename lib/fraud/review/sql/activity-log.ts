// Every activity attempt, as a row: (workflow, activity id, attempt) with when it started and, if it
// got that far, when it finished its work. It lives outside the worker, so it survives the worker
// being killed; audit.ts compares it with what the server recorded.
import { selectIn } from '../../../db/select-in.ts';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { AttemptRow } from '../audit.ts';
import { ident } from './ident.ts';

export const activityLogDdl = (table: string) => `
CREATE TABLE IF NOT EXISTS ${ident(table)} (
  workflow_id   VARCHAR(128) NOT NULL,
  activity_id   VARCHAR(32)  NOT NULL COMMENT 'stable per scheduled activity within a workflow run',
  attempt       INT          NOT NULL,
  activity_type VARCHAR(64)  NOT NULL,
  worker_pid    INT          NOT NULL,
  started_at    DATETIME(3)  NOT NULL,
  completed_at  DATETIME(3)  NULL COMMENT 'NULL: the attempt failed or its worker died',
  error         VARCHAR(500) NULL,
  PRIMARY KEY (workflow_id, activity_id, attempt)
)`;

export type AttemptKey = { workflowId: string; activityId: string; attempt: number; activityType: string };

export class ActivityLog {
  private readonly t: string;
  constructor(
    private readonly pool: Pool,
    private readonly table: string,
  ) {
    this.t = ident(table);
  }

  async ensureTable(): Promise<void> {
    await this.pool.query(activityLogDdl(this.table));
  }

  async started(k: AttemptKey): Promise<void> {
    await this.pool.execute(
      `INSERT INTO ${this.t} (workflow_id, activity_id, attempt, activity_type, worker_pid, started_at) VALUES (?, ?, ?, ?, ?, NOW(3))
       ON DUPLICATE KEY UPDATE worker_pid = VALUES(worker_pid), started_at = VALUES(started_at), completed_at = NULL, error = NULL`,
      [k.workflowId, k.activityId, k.attempt, k.activityType, process.pid],
    );
  }

  async finished(k: AttemptKey, error?: string): Promise<void> {
    await this.pool.execute(
      `UPDATE ${this.t} SET ${error === undefined ? 'completed_at = NOW(3)' : 'error = ?'} WHERE workflow_id = ? AND activity_id = ? AND attempt = ?`,
      error === undefined
        ? [k.workflowId, k.activityId, k.attempt]
        : [error.slice(0, 500), k.workflowId, k.activityId, k.attempt],
    );
  }

  /** Every attempt of these workflows' activities. */
  async rows(workflowIds: readonly string[]): Promise<AttemptRow[]> {
    type Row = RowDataPacket & {
      workflow_id: string;
      activity_id: string;
      attempt: number;
      finished: number;
      failed: number;
    };
    const rows = await selectIn<Row>(
      this.pool,
      `SELECT workflow_id, activity_id, attempt, completed_at IS NOT NULL AS finished, error IS NOT NULL AS failed
         FROM ${this.t} WHERE workflow_id IN (?)`,
      workflowIds,
    );
    return rows.map((r) => ({
      workflow_id: r.workflow_id,
      activity_id: r.activity_id,
      attempt: Number(r.attempt),
      finished: Boolean(Number(r.finished)),
      failed: Boolean(Number(r.failed)),
    }));
  }
}
