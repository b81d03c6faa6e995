// The Kafka broker, from the JMX exporter agent in it (rules lib/stack/kafka/jmx-exporter.yaml):
// messages and bytes in and out, requests per type and their latency, partitions' health, the JVM.
import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as Stat } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeSeries } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS, dashboardDefaults, grid, prom } from './build.ts';

export function kafkaDashboard() {
  const at = grid();
  const stat = (title: string, expr: string) =>
    new Stat()
      .title(title)
      .unit('short')
      .datasource(PROMETHEUS)
      .targets(prom([expr, title]))
      .gridPos(at(4, 4));
  const ts = (title: string, unit: string, description: string) =>
    new TimeSeries().title(title).description(description).unit(unit).datasource(PROMETHEUS);
  return dashboardDefaults(new DashboardBuilder('txlab · Kafka'))
    .uid('txlab-kafka')
    .description('The broker through its JMX exporter agent')
    .withPanel(stat('Active brokers', 'sum(kafka_controller_kafkacontroller_activebrokercount)'))
    .withPanel(stat('Topics', 'sum(kafka_controller_kafkacontroller_globaltopiccount)'))
    .withPanel(stat('Partitions', 'sum(kafka_controller_kafkacontroller_globalpartitioncount)'))
    .withPanel(stat('Under-replicated partitions', 'sum(kafka_server_replicamanager_underreplicatedpartitions)'))
    .withPanel(stat('Offline partitions', 'sum(kafka_controller_kafkacontroller_offlinepartitionscount)'))
    .withPanel(stat('Active controllers', 'sum(kafka_controller_kafkacontroller_activecontrollercount)'))
    .withPanel(
      ts('Messages in', 'ops', 'Records appended per second, all topics')
        .targets(
          prom(['sum(rate(kafka_server_brokertopicmetrics_messagesinpersec_total[$__rate_interval]))', 'messages in']),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Bytes in and out', 'Bps', 'Client bytes per second into and out of the broker')
        .targets(
          prom(
            ['sum(rate(kafka_server_brokertopicmetrics_bytesinpersec_total[$__rate_interval]))', 'in'],
            ['sum(rate(kafka_server_brokertopicmetrics_bytesoutpersec_total[$__rate_interval]))', 'out'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Requests by type', 'reqps', 'Requests per second by API (Produce, Fetch, OffsetCommit, …)')
        .targets(
          prom([
            'sum by (request) (rate(kafka_network_requestmetrics_requests_total[$__rate_interval])) > 0',
            '{{request}}',
          ]),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Request time p99', 'ms', 'Total time of Produce and Fetch requests, 99th percentile (the broker computes it)')
        .targets(
          prom([
            'max by (request) (kafka_network_requestmetrics_totaltimems{quantile="0.99",request=~"Produce|Fetch|FetchConsumer|FetchFollower"})',
            '{{request}}',
          ]),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Failed requests', 'reqps', 'Produce and fetch requests that failed, per second')
        .targets(
          prom(
            [
              'sum(rate(kafka_server_brokertopicmetrics_failedproducerequestspersec_total[$__rate_interval]))',
              'produce',
            ],
            ['sum(rate(kafka_server_brokertopicmetrics_failedfetchrequestspersec_total[$__rate_interval]))', 'fetch'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('Group coordinator', 'ops', 'Offset commits and consumer-group rebalances per second')
        .targets(
          prom(
            ['sum(rate(kafka_server_groupcoordinator_offset_commit_count[$__rate_interval]))', 'offset commits'],
            ['sum(rate(kafka_server_groupcoordinator_consumer_group_rebalance_count[$__rate_interval]))', 'rebalances'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts(
        'Request handler idle',
        'percentunit',
        'Share of time the request handler threads are idle; near 0 the broker is saturated',
      )
        .targets(
          prom(
            ['avg(kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent)', 'request handlers'],
            ['avg(kafka_network_socketserver_networkprocessoravgidlepercent)', 'network processors'],
          ),
        )
        .gridPos(at(12, 8)),
    )
    .withPanel(
      ts('JVM heap and GC', 'bytes', 'Heap used and committed; GC seconds per second on the right axis')
        .targets(
          prom(
            ['sum(jvm_memory_used_bytes{job="kafka",area="heap"})', 'heap used'],
            ['sum(jvm_memory_committed_bytes{job="kafka",area="heap"})', 'heap committed'],
            ['sum by (gc) (rate(jvm_gc_collection_seconds_sum{job="kafka"}[$__rate_interval]))', 'GC {{gc}}'],
          ),
        )
        .overrideByRegexp('^GC.*', [
          { id: 'unit', value: 'percentunit' },
          { id: 'custom.axisPlacement', value: 'right' },
        ])
        .gridPos(at(12, 8)),
    );
}
