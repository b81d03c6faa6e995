// The pipeline at a glance: records through each stage per second, consumer lag per group (from
// txlab's lag exporter, kafka_exporter's names), dead letters by reason, how long an event takes to
// become a row, and the fraud reviews' outcomes and backlog. Metrics: README "Metrics".
import { DashboardBuilder, QueryVariableBuilder, VariableRefresh } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS, dashboardDefaults, grid, prom } from './build.ts';

export function pipelineDashboard() {
  const at = grid();
  const ts = (title: string, unit: string, description: string) =>
    new TimeSeries().title(title).description(description).unit(unit).datasource(PROMETHEUS);
  return dashboardDefaults(new DashboardBuilder('txlab · pipeline'))
    .uid('txlab-pipeline')
    .description('Throughput per stage, consumer lag, dead letters, event→row latency and fraud reviews')
    .withVariable(
      new QueryVariableBuilder('group')
        .label('consumer group')
        .datasource(PROMETHEUS)
        .query('label_values(kafka_consumergroup_lag, consumergroup)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    )
    .withPanel(
      new Stat()
        .title('Acked records/s (producers)')
        .unit('ops')
        .datasource(PROMETHEUS)
        .targets(prom(['sum(rate(txlab_producer_records_acked_total[$__rate_interval]))', 'acked']))
        .gridPos(at(6, 4)),
    )
    .withPanel(
      new Stat()
        .title('Rows stored/s (sinks)')
        .unit('ops')
        .datasource(PROMETHEUS)
        .targets(prom(['sum(rate(txlab_sink_rows_stored_total[$__rate_interval]))', 'stored']))
        .gridPos(at(6, 4)),
    )
    .withPanel(
      new Stat()
        .title('Total consumer lag')
        .unit('short')
        .datasource(PROMETHEUS)
        .targets(prom(['sum(kafka_consumergroup_lag_sum{consumergroup=~"$group"})', 'lag']))
        .gridPos(at(6, 4)),
    )
    .withPanel(
      new Stat()
        .title('Reviews in flight')
        .unit('short')
        .datasource(PROMETHEUS)
        .targets(prom(['sum(txlab_fraud_reviews_in_flight)', 'in flight']))
        .gridPos(at(6, 4)),
    )
    .withPanel(
      ts(
        'Throughput per stage',
        'ops',
        'Records per second acknowledged by Kafka, stored by the sinks, assessed by the fraud rules',
      )
        .targets(
          prom(
            ['sum by (topic) (rate(txlab_producer_records_acked_total[$__rate_interval]))', 'produced → {{topic}}'],
            ['sum(rate(txlab_sink_rows_stored_total[$__rate_interval]))', 'sink: rows stored'],
            ['sum(rate(txlab_sink_duplicates_total[$__rate_interval]))', 'sink: duplicates skipped'],
            ['sum(rate(txlab_fraud_events_assessed_total[$__rate_interval]))', 'fraud: assessed'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts(
        'Consumer lag per group',
        'short',
        'Records behind the end of the topic, per consumer group (kafka_consumergroup_lag_sum)',
      )
        .targets(
          prom([
            'sum by (consumergroup, topic) (kafka_consumergroup_lag_sum{consumergroup=~"$group"})',
            '{{consumergroup}} on {{topic}}',
          ]),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts(
        'Consumer lag per partition',
        'short',
        'kafka_consumergroup_lag: a partition whose lag only grows has a stuck consumer',
      )
        .targets(
          prom([
            'max by (consumergroup, partition) (kafka_consumergroup_lag{consumergroup=~"$group"})',
            '{{consumergroup}}[{{partition}}]',
          ]),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts(
        'Dead letters by reason',
        'ops',
        'Messages per second the sinks sent to the DLQ; anything above zero needs a look',
      )
        .targets(prom(['sum by (reason) (rate(txlab_sink_dead_letters_total[$__rate_interval]))', '{{reason}}']))
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts(
        'Event → row latency',
        's',
        "A new row's Kafka record timestamp to its commit (txlab_sink_event_to_row_seconds)",
      )
        .targets(
          prom(
            [
              'histogram_quantile(0.5, sum by (le) (rate(txlab_sink_event_to_row_seconds_bucket[$__rate_interval])))',
              'p50',
            ],
            [
              'histogram_quantile(0.99, sum by (le) (rate(txlab_sink_event_to_row_seconds_bucket[$__rate_interval])))',
              'p99',
            ],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Sink write latency', 's', 'One database transaction (rows and aggregates), and rows per transaction')
        .targets(
          prom(
            ['histogram_quantile(0.5, sum by (le) (rate(txlab_sink_write_seconds_bucket[$__rate_interval])))', 'p50'],
            ['histogram_quantile(0.99, sum by (le) (rate(txlab_sink_write_seconds_bucket[$__rate_interval])))', 'p99'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts(
        'Review outcomes',
        'ops',
        'Final verdicts per second by verdict and who decided, and holds waiting for an analyst',
      )
        .targets(
          prom(
            [
              'sum by (verdict, decided_by) (rate(txlab_fraud_reviews_finished_total[$__rate_interval]))',
              '{{verdict}} by {{decided_by}}',
            ],
            ['sum(rate(txlab_fraud_holds_total[$__rate_interval]))', 'held'],
            ['sum(rate(txlab_fraud_reviews_started_total[$__rate_interval]))', 'started'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts(
        'Reviews in flight and review time',
        'short',
        'Reviews started and not finished; flagged → verdict p90 on the right axis',
      )
        .targets(
          prom(
            ['sum(txlab_fraud_reviews_in_flight)', 'in flight'],
            [
              'histogram_quantile(0.9, sum by (le, decided_by) (rate(txlab_fraud_review_seconds_bucket[$__rate_interval])))',
              'p90 review seconds ({{decided_by}})',
            ],
          ),
        )
        .overrideByRegexp('^p90.*', [
          { id: 'unit', value: 's' },
          { id: 'custom.axisPlacement', value: 'right' },
        ])
        .gridPos(at(12, 8)),
    );
}
