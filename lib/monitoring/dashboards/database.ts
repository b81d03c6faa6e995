// MariaDB, from prometheus-mysqld-exporter: up, connections, statements by command, InnoDB rows
// and buffer pool, row-lock waits and slow queries.
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS, dashboardDefaults, grid, prom } from './build.ts';

export function databaseDashboard() {
  const at = grid();
  const stat = (title: string, unit: string, expr: string) =>
    new Stat()
      .title(title)
      .unit(unit)
      .datasource(PROMETHEUS)
      .targets(prom([expr, title]))
      .gridPos(at(6, 4));
  const ts = (title: string, unit: string, description: string) =>
    new TimeSeries().title(title).description(description).unit(unit).datasource(PROMETHEUS);
  return dashboardDefaults(new DashboardBuilder('txlab · database'))
    .uid('txlab-database')
    .description('MariaDB through prometheus-mysqld-exporter')
    .withPanel(stat('Up', 'bool_yes_no', 'min(mysql_up)'))
    .withPanel(stat('Uptime', 's', 'max(mysql_global_status_uptime)'))
    .withPanel(stat('Connections in use', 'short', 'sum(mysql_global_status_threads_connected)'))
    .withPanel(stat('Max connections', 'short', 'max(mysql_global_variables_max_connections)'))
    .withPanel(
      ts('Statements by command', 'ops', 'INSERT, SELECT, COMMIT, … per second')
        .targets(
          prom([
            'sum by (command) (rate(mysql_global_status_commands_total{command=~"insert|select|update|delete|commit|rollback|begin"}[$__rate_interval]))',
            '{{command}}',
          ]),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Threads', 'short', 'Connected and running threads')
        .targets(
          prom(
            ['sum(mysql_global_status_threads_connected)', 'connected'],
            ['sum(mysql_global_status_threads_running)', 'running'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts(
        'Handler writes and commits',
        'ops',
        'Rows written by storage-engine handlers and transactions committed, per second',
      )
        .targets(
          prom([
            'sum by (handler) (rate(mysql_global_status_handlers_total{handler=~"write|update|delete|commit|rollback"}[$__rate_interval]))',
            '{{handler}}',
          ]),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('InnoDB buffer pool', 'ops', 'Logical read requests and those that had to go to disk, per second')
        .targets(
          prom(
            ['sum(rate(mysql_global_status_innodb_buffer_pool_read_requests[$__rate_interval]))', 'read requests'],
            ['sum(rate(mysql_global_status_innodb_buffer_pool_reads[$__rate_interval]))', 'disk reads'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Row-lock waits and slow queries', 'ops', 'InnoDB row-lock waits and slow queries per second')
        .targets(
          prom(
            ['sum(rate(mysql_global_status_innodb_row_lock_waits[$__rate_interval]))', 'row-lock waits'],
            ['sum(rate(mysql_global_status_slow_queries[$__rate_interval]))', 'slow queries'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Network', 'Bps', 'Bytes per second received from and sent to clients')
        .targets(
          prom(
            ['sum(rate(mysql_global_status_bytes_received[$__rate_interval]))', 'received'],
            ['sum(rate(mysql_global_status_bytes_sent[$__rate_interval]))', 'sent'],
          ),
        )
        .gridPos(at(12, 8)),
    );
}
