// What `bun run stack` prints: one line per engine for up/down, a small table for status. Pure: takes
// values, returns strings.
import type { StopResult, UpResult } from './lifecycle.ts';
import { seconds } from '../wait.ts';

const WIDTH = 10;
/** The label in a column of WIDTH, and always two spaces after it (mysqld-exporter is longer). */
const col = (label: string) => `${label.padEnd(WIDTH - 2)}  `;

export interface EngineLine {
  label: string;
  endpoint: string;
  /** the log path as it should be shown */
  log: string;
  links?: string[];
}

export function upLine(e: EngineLine, r: UpResult): string {
  const detail =
    r.how === 'started'
      ? `started in ${seconds(r.ms)}, pid ${r.pid}, log ${e.log}`
      : r.how === 'running'
        ? `already running, pid ${r.pid}, log ${e.log}`
        : `external, answered in ${seconds(r.ms)}`;
  const links = e.links?.length ? `  ${e.links.join('  ')}` : '';
  return `${col(e.label)}up  ${e.endpoint}  (${detail})${links}`;
}

export function downLine(label: string, r: { result: StopResult; pid?: number; ms: number }): string {
  const text: Record<StopResult, string> = {
    external: 'external: left alone',
    'not running': 'not running',
    stopped: `stopped  (pid ${r.pid}, ${seconds(r.ms)})`,
    killed: `killed  (pid ${r.pid} ignored SIGTERM for ${seconds(r.ms)})`,
  };
  return `${col(label)}${text[r.result]}`;
}
