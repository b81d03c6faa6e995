// The customer's record, from the transactions table the sink fills: their last transactions before
// the baseline cut-off (this episode's own events are left out, see BASELINE_GAP_MS), summarised for
// the review's decision. Needs only these columns of the sink's table: customer_id, transaction_id,
// event_time, amount, device_id (idx_customer_recent makes it one index range per customer).
import { median } from '../../../percentiles.ts';
import type { CustomerHistory, HistoryRequest } from '../schemas.ts';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { ident } from './ident.ts';

/** how many of the customer's transactions make their record */
export const HISTORY_LIMIT = 50;

export interface HistoryReader {
  customerHistory(req: HistoryRequest): Promise<CustomerHistory>;
}

type Row = RowDataPacket & { amount: number | string; device_id: string };

export class SqlHistoryReader implements HistoryReader {
  private readonly t: string;
  constructor(
    private readonly pool: Pool,
    table: string,
    private readonly limit = HISTORY_LIMIT,
  ) {
    this.t = ident(table);
  }

  async customerHistory(req: HistoryRequest): Promise<CustomerHistory> {
    const [rows] = await this.pool.query<Row[]>(
      `SELECT amount, device_id FROM ${this.t}
        WHERE customer_id = ? AND event_time < ? AND transaction_id <> ?
        ORDER BY event_time DESC LIMIT ${Math.floor(this.limit)}`,
      [req.customer_id, new Date(req.before), req.transaction_id],
    );
    return summarise(
      rows.map((r) => ({ amount: Number(r.amount), device_id: r.device_id })),
      req,
    );
  }
}

export function summarise(
  rows: readonly { amount: number; device_id: string }[],
  req: Pick<HistoryRequest, 'device_id' | 'high_value_amount'>,
): CustomerHistory {
  const amounts = rows.map((r) => r.amount);
  const n = amounts.length;
  return {
    transactions: n,
    median_amount: median(amounts) ?? null,
    high_value_share: n === 0 ? 0 : amounts.filter((a) => a > req.high_value_amount).length / n,
    device_seen: rows.some((r) => r.device_id === req.device_id),
  };
}
