// Seed 001's business dashboard, on SQL against the sink's tables (MySQL datasource): volume and
// approved amount per merchant category (agg_category_hour), the top merchants (agg_merchant_hour),
// declines by reason (transactions) and the fraud reviews' verdicts (transaction_verdicts).
// Amounts are stored in minor units and shown divided by 100. Times are UTC.
import { PanelBuilder as BarGauge } from '@grafana/grafana-foundation-sdk/bargauge';
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as Table } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { MYSQL, dashboardDefaults, grid, sql } from './build.ts';

export function businessDashboard() {
  const at = grid();
  const stat = (title: string, unit: string, query: string) =>
    new Stat().title(title).unit(unit).datasource(MYSQL).targets(sql('table', query)).gridPos(at(6, 4));
  const ts = (title: string, unit: string, description: string, query: string, h = 8) =>
    new TimeSeries()
      .title(title)
      .description(description)
      .unit(unit)
      .datasource(MYSQL)
      .targets(sql('time_series', query))
      .gridPos(at(12, h));
  return dashboardDefaults(new DashboardBuilder('txlab · business'), 'now-24h')
    .uid('txlab-business')
    .description('Transactions, categories, merchants, declines and fraud verdicts, from the database')
    .withPanel(
      stat(
        'Transactions',
        'short',
        'SELECT COALESCE(SUM(tx_count), 0) AS transactions FROM agg_category_hour WHERE $__timeFilter(bucket)',
      ),
    )
    .withPanel(
      stat(
        'Approved amount',
        'short',
        'SELECT COALESCE(SUM(approved_amount), 0) / 100 AS approved FROM agg_category_hour WHERE $__timeFilter(bucket)',
      ),
    )
    .withPanel(
      stat(
        'Decline rate',
        'percentunit',
        `SELECT COALESCE(SUM(status = 'declined') / COUNT(*), 0) AS decline_rate
FROM transactions WHERE $__timeFilter(event_time)`,
      ),
    )
    .withPanel(
      stat(
        'Fraud declines',
        'short',
        `SELECT COUNT(*) AS declined FROM transaction_verdicts
WHERE verdict = 'decline' AND $__timeFilter(decided_at)`,
      ),
    )
    .withPanel(
      ts(
        'Transactions per category',
        'short',
        'Transactions per hour and merchant category (agg_category_hour)',
        `SELECT $__timeGroupAlias(bucket, '1h'), merchant_category AS metric, SUM(tx_count) AS value
FROM agg_category_hour WHERE $__timeFilter(bucket)
GROUP BY 1, 2 ORDER BY 1`,
      ),
    )
    .withPanel(
      new BarGauge()
        .title('Approved amount per category')
        .description('Approved amount in the range, per merchant category (major units)')
        .unit('short')
        .datasource(MYSQL)
        .targets(
          sql(
            'table',
            `SELECT merchant_category AS category, SUM(approved_amount) / 100 AS approved
FROM agg_category_hour WHERE $__timeFilter(bucket)
GROUP BY merchant_category ORDER BY approved DESC`,
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      new Table()
        .title('Top merchants')
        .description('The ten merchants with the largest approved amount in the range (agg_merchant_hour)')
        .unit('short')
        .datasource(MYSQL)
        .targets(
          sql(
            'table',
            `SELECT merchant_id AS merchant, SUM(tx_count) AS transactions, SUM(approved_count) AS approved,
  SUM(approved_amount) / 100 AS approved_amount, SUM(approved_commission) / 100 AS commission
FROM agg_merchant_hour WHERE $__timeFilter(bucket)
GROUP BY merchant_id ORDER BY approved_amount DESC LIMIT 10`,
          ),
        )
        .gridPos(at(12, 10)),
    )
    .withPanel(
      ts(
        'Declines by reason',
        'short',
        'Declined transactions per 5 minutes, by failure reason',
        `SELECT $__timeGroupAlias(event_time, '5m'), failure_reason AS metric, COUNT(*) AS value
FROM transactions WHERE status = 'declined' AND $__timeFilter(event_time)
GROUP BY 1, 2 ORDER BY 1`,
        10,
      ),
    )
    .withPanel(
      ts(
        'Fraud verdicts',
        'short',
        'Reviewed transactions per 5 minutes, by verdict (transaction_verdicts)',
        `SELECT $__timeGroupAlias(decided_at, '5m'), verdict AS metric, COUNT(*) AS value
FROM transaction_verdicts WHERE $__timeFilter(decided_at)
GROUP BY 1, 2 ORDER BY 1`,
      ),
    )
    .withPanel(
      new Table()
        .title('Verdicts by who decided')
        .description('Reviews in the range by verdict and decider (rules, analyst, timeout), with the mean score')
        .unit('short')
        .datasource(MYSQL)
        .targets(
          sql(
            'table',
            `SELECT verdict, decided_by, COUNT(*) AS reviews, ROUND(AVG(score), 3) AS mean_score
FROM transaction_verdicts WHERE $__timeFilter(decided_at)
GROUP BY verdict, decided_by ORDER BY reviews DESC`,
          ),
        )
        .gridPos(at(12, 8)),
    );
}
