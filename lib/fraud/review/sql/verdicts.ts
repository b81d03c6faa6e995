// The verdicts table: one row per reviewed transaction, upserted on transaction_id, so a retried
// activity rewrites the same row instead of adding one. A hold never overwrites a final verdict.
// (SingleStore: the primary key is the shard key, as its unique-key rule requires.)
import { selectIn } from '../../../db/select-in.ts';
import { Verdict } from '../schemas.ts';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { ident, isoOf } from './ident.ts';

export const verdictsDdl = (table: string) => `
CREATE TABLE IF NOT EXISTS ${ident(table)} (
  transaction_id CHAR(36) CHARACTER SET ascii NOT NULL,
  customer_id    VARCHAR(40) CHARACTER SET ascii NOT NULL,
  verdict        ENUM('approve','decline','hold') NOT NULL,
  decided_by     ENUM('rules','analyst','timeout') NOT NULL,
  score          DOUBLE NOT NULL,
  rules          VARCHAR(255) NOT NULL COMMENT 'comma-separated rule names',
  reasons        TEXT NOT NULL COMMENT 'JSON array of strings',
  workflow_id    VARCHAR(128) NOT NULL,
  analyst        VARCHAR(64) NULL,
  flagged_at     DATETIME(3) NOT NULL COMMENT 'when the fraud consumer flagged it, UTC',
  decided_at     DATETIME(3) NOT NULL COMMENT 'when the workflow decided, UTC',
  written_at     DATETIME(3) NOT NULL COMMENT 'when this row was last written, UTC',
  PRIMARY KEY (transaction_id),
  KEY idx_verdict (verdict, decided_at),
  KEY idx_customer (customer_id, decided_at)
)`;

type Row = RowDataPacket & {
  transaction_id: string;
  customer_id: string;
  verdict: string;
  decided_by: string;
  score: number;
  rules: string;
  reasons: string;
  workflow_id: string;
  analyst: string | null;
  flagged_at: Date | string;
  decided_at: Date | string;
};

export class VerdictStore {
  private readonly t: string;
  constructor(
    private readonly pool: Pool,
    private readonly table: string,
  ) {
    this.t = ident(table);
  }

  async ensureTable(): Promise<void> {
    await this.pool.query(verdictsDdl(this.table));
  }

  async upsert(v: Verdict): Promise<void> {
    await this.pool.execute(
      `INSERT INTO ${this.t} (transaction_id, customer_id, verdict, decided_by, score, rules, reasons, workflow_id, analyst, flagged_at, decided_at, written_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))
       ON DUPLICATE KEY UPDATE
         decided_by = IF(verdict <> 'hold' AND VALUES(verdict) = 'hold', decided_by, VALUES(decided_by)),
         score      = IF(verdict <> 'hold' AND VALUES(verdict) = 'hold', score, VALUES(score)),
         reasons    = IF(verdict <> 'hold' AND VALUES(verdict) = 'hold', reasons, VALUES(reasons)),
         analyst    = IF(verdict <> 'hold' AND VALUES(verdict) = 'hold', analyst, VALUES(analyst)),
         decided_at = IF(verdict <> 'hold' AND VALUES(verdict) = 'hold', decided_at, VALUES(decided_at)),
         written_at = NOW(3),
         verdict    = IF(verdict <> 'hold' AND VALUES(verdict) = 'hold', verdict, VALUES(verdict))`,
      [
        v.transaction_id,
        v.customer_id,
        v.verdict,
        v.decided_by,
        v.score,
        v.rules.join(','),
        JSON.stringify(v.reasons),
        v.workflow_id,
        v.analyst,
        new Date(v.flagged_at),
        new Date(v.decided_at),
      ],
    );
  }

  async get(transactionId: string): Promise<Verdict | undefined> {
    const [rows] = await this.pool.execute<Row[]>(`SELECT * FROM ${this.t} WHERE transaction_id = ?`, [transactionId]);
    return rows[0] && toVerdict(rows[0]);
  }

  /** Transactions waiting for an analyst, oldest first. */
  async held(limit = 100): Promise<Verdict[]> {
    const [rows] = await this.pool.query<Row[]>(
      `SELECT * FROM ${this.t} WHERE verdict = 'hold' ORDER BY decided_at LIMIT ${Math.floor(limit)}`,
    );
    return rows.map(toVerdict);
  }

  /** The verdicts of the given transactions (any number: queried in chunks). */
  async forTransactions(ids: readonly string[]): Promise<Verdict[]> {
    const rows = await selectIn<Row>(this.pool, `SELECT * FROM ${this.t} WHERE transaction_id IN (?)`, ids);
    return rows.map(toVerdict);
  }
}

function toVerdict(r: Row): Verdict {
  return Verdict.parse({
    transaction_id: r.transaction_id,
    customer_id: r.customer_id,
    verdict: r.verdict,
    decided_by: r.decided_by,
    score: r.score,
    rules: r.rules ? r.rules.split(',') : [],
    reasons: JSON.parse(r.reasons),
    workflow_id: r.workflow_id,
    analyst: r.analyst,
    flagged_at: isoOf(r.flagged_at),
    decided_at: isoOf(r.decided_at),
  });
}
