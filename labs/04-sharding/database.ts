// Lab 04's own database, next to the pipeline's (`txlab` → `txlab_lab04`, under TXLAB_PREFIX too): the
// tables of the same migrations, holding only the rows the lab loads. The pipeline's database also gets
// whatever labs 02–03 streamed (tens of thousands of rows in the last minutes); here the shape of the data
// (how many rows, over which days, how many in the last 5 minutes) is the lab's alone, so its latencies
// are the queries' and not the history of the machine.
import { withDatabase } from '../../lib/db/connect.ts';

export const LAB04_SUFFIX = '_lab04';

/** The URL of lab 04's database: the pipeline's database name + `_lab04` (at most 64 characters). */
export function lab04DatabaseUrl(pipelineUrl: string): string {
  const base = decodeURIComponent(new URL(pipelineUrl).pathname.replace(/^\//, '')) || 'txlab';
  return withDatabase(pipelineUrl, `${base.slice(0, 64 - LAB04_SUFFIX.length)}${LAB04_SUFFIX}`);
}
