// Temporal: the dev server's own metrics (job `temporal`: frontend requests, persistence, task
// latency) and the review worker's SDK metrics (job `temporal_worker`: `temporal_*`, polls, task
// latencies, activity execution).
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS, dashboardDefaults, grid, prom } from './build.ts';

export function temporalDashboard() {
  const at = grid();
  const ts = (title: string, unit: string, description: string) =>
    new TimeSeries().title(title).description(description).unit(unit).datasource(PROMETHEUS);
  return dashboardDefaults(new DashboardBuilder('txlab · Temporal'))
    .uid('txlab-temporal')
    .description('The Temporal dev server (metrics port 8234) and the review worker through the SDK runtime')
    .withPanel(
      ts(
        'Server requests by operation',
        'reqps',
        'Frontend gRPC requests per second (StartWorkflowExecution, Poll…, Respond…)',
      )
        .targets(
          prom([
            'sum by (operation) (rate(service_requests{job="temporal",service_name="frontend"}[$__rate_interval])) > 0',
            '{{operation}}',
          ]),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Server errors', 'reqps', 'Frontend requests that failed, by error type')
        .targets(
          prom([
            'sum by (error_type) (rate(service_error_with_type{job="temporal"}[$__rate_interval]))',
            '{{error_type}}',
          ]),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts(
        'Persistence',
        's',
        'Mean latency of the server’s SQLite persistence requests, and requests per second (right)',
      )
        .targets(
          prom(
            [
              'sum(rate(persistence_latency_sum{job="temporal"}[$__rate_interval])) / sum(rate(persistence_latency_count{job="temporal"}[$__rate_interval]))',
              'mean latency',
            ],
            ['sum(rate(persistence_requests{job="temporal"}[$__rate_interval]))', 'requests/s'],
          ),
        )
        .overrideByName('requests/s', [
          { id: 'unit', value: 'reqps' },
          { id: 'custom.axisPlacement', value: 'right' },
        ])
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Worker polls and pollers', 'short', 'The SDK worker’s pollers and empty activity polls per second')
        .targets(
          prom(
            ['sum by (poller_type) (temporal_num_pollers)', 'pollers {{poller_type}}'],
            ['sum(rate(temporal_activity_poll_no_task[$__rate_interval]))', 'empty activity polls/s'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Worker task latency', 's', 'Schedule → start of activities, and their execution, p90 (SDK histograms)')
        .targets(
          prom(
            [
              'histogram_quantile(0.9, sum by (le) (rate(temporal_activity_schedule_to_start_latency_seconds_bucket[$__rate_interval])))',
              'activity schedule→start p90',
            ],
            [
              'histogram_quantile(0.9, sum by (le, activity_type) (rate(temporal_activity_execution_latency_seconds_bucket[$__rate_interval])))',
              '{{activity_type}} execution p90',
            ],
            [
              'histogram_quantile(0.9, sum by (le) (rate(temporal_workflow_task_execution_latency_seconds_bucket[$__rate_interval])))',
              'workflow task execution p90',
            ],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts(
        'Worker requests and failures',
        'reqps',
        'The SDK client’s requests to the server per second, and those that failed',
      )
        .targets(
          prom(
            ['sum by (operation) (rate(temporal_request_total[$__rate_interval]))', '{{operation}}'],
            ['sum by (operation) (rate(temporal_request_failure[$__rate_interval]))', 'failed {{operation}}'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Workflows', 'ops', 'Workflows completed and failed per second, as the worker counts them')
        .targets(
          prom(
            [
              'sum by (workflow_type) (rate(temporal_workflow_completed_total[$__rate_interval]))',
              'completed {{workflow_type}}',
            ],
            [
              'sum by (workflow_type) (rate(temporal_workflow_failed_total[$__rate_interval]))',
              'failed {{workflow_type}}',
            ],
          ),
        )
        .gridPos(at(12, 8)),
    );
}
