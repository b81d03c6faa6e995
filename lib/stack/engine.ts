// What the stack needs to know about one engine (Kafka, MariaDB, Temporal, Prometheus and its exporters)
// to start, probe and stop it.
// Each engine file builds one of these from the config; lifecycle.ts does the rest the same way for all.

export const ENGINE_NAMES = ['kafka', 'db', 'temporal', 'prometheus', 'mysqld-exporter', 'lag-exporter'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface Port {
  port: number;
  /** e.g. "Kafka controller" */
  what: string;
  /** what to do instead of freeing it, e.g. "set KAFKA_BROKERS=host:port to use that Kafka instead" */
  alternative?: string;
}

export interface Command {
  cmd: string;
  args: string[];
}

export interface Engine {
  name: EngineName;
  /** shown in output: kafka, mariadb, temporal */
  label: string;
  /** false when the user pointed the config at their own instance: then the stack only probes it */
  managed: boolean;
  /** what clients connect to, e.g. 127.0.0.1:9092 */
  endpoint: string;
  /** the variable that points at an external instance (none for the monitoring engines: always ours) */
  envVar?: string;
  host: string;
  /** ports the engine binds, checked free before it starts */
  ports: Port[];
  /** under the stack dir: the engine's own folder, log and pid file */
  dir: string;
  logFile: string;
  pidFile: string;
  /** substrings of our process's cmdline, so a reused pid or someone else's server is never taken for ours */
  markers: string[];
  /** extra endpoints worth printing, e.g. the Temporal web UI */
  links?: string[];
  startTimeoutMs: number;
  stopTimeoutMs: number;
  /** files and folders `reset` deletes (caches stay) */
  dataPaths: string[];
  /** a real request (not just a TCP connect), with short timeouts, never throwing */
  ready(): Promise<boolean>;
  /** prerequisites, caches and first-start initialisation; returns the command that runs the server */
  prepare(note: (line: string) => void): Promise<Command>;
  /** once ready, e.g. create the database */
  afterReady?(): Promise<void>;
}
