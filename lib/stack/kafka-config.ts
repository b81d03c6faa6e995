// server.properties for the embedded Kafka: one node in KRaft combined mode (broker + controller),
// replication factors of 1, and segment/retention settings that keep a lab's disk use bounded.

export interface KafkaNode {
  host: string;
  brokerPort: number;
  controllerPort: number;
  dataDir: string;
}

export type Properties = Record<string, string | number>;

/** The embedded node's settings (lib/stack/cluster.ts starts from them for the nodes of its clusters). */
export function serverConfig(n: KafkaNode): Properties {
  return {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${n.host}:${n.controllerPort}`,
    listeners: `PLAINTEXT://${n.host}:${n.brokerPort},CONTROLLER://${n.host}:${n.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${n.host}:${n.brokerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': n.dataDir,
    'num.partitions': 6, // for auto-created topics; labs create theirs with explicit counts
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'log.retention.hours': 168,
    'log.segment.bytes': 256 * 1024 * 1024,
  };
}

export function serverProperties(n: KafkaNode): string {
  return renderProperties(
    serverConfig(n),
    'written by lib/stack/kafka.ts on every start; edit kafka-config.ts instead',
  );
}

/** A server.properties file: a header comment, then one `key=value` a line. */
export function renderProperties(props: Properties, header: string): string {
  const lines = Object.entries(props).map(([k, v]) => `${k}=${v}`);
  return `# ${header}\n${lines.join('\n')}\n`;
}

/** The entries of a classpath file, as `mvn dependency:build-classpath` writes it. */
export function classpathEntries(text: string): string[] {
  return text.trim().split(':').filter(Boolean);
}
