// Check of exercise 08-1: your histogram is registered in the process's registry and served by
// serveMetrics (lib/metrics.ts) under a job of the check's own; the real embedded Prometheus finds it
// through its target file (.stack/prometheus/targets/) and scrapes it every 5 s. After its first
// scrape (every payment method's series at 0), 2,000 seeded transactions are observed; after the next
// scrape, your panel's PromQL is evaluated by Prometheus' HTTP API. The buckets, scraped directly, and
// the p90 per payment method must equal what is computed here from the amounts themselves, with
// histogram_quantile's own interpolation.
import { type CheckResult, compareKeyed, defineExercise } from '../../lib/exercises/define.ts';
import { TransactionGenerator } from '../../lib/generator/index.ts';
import { registry, scrapeMetrics, serveMetrics } from '../../lib/metrics.ts';
import { MONITORING } from '../../lib/monitoring/ports.ts';
import { PAYMENT_METHODS } from '../../lib/schema.ts';
import { waitUntil } from '../../lib/wait.ts';

type Impl = typeof import('./solution.ts');

const PROMETHEUS = `http://${MONITORING.host}:${MONITORING.prometheusPort}`;
const T0 = Date.parse('2026-01-15T10:00:00.000Z');
const N = 2_000;

type Sample = { metric: Record<string, string>; value: [number, string] };
async function query(promql: string): Promise<Sample[]> {
  const res = await fetch(`${PROMETHEUS}/api/v1/query?${new URLSearchParams({ query: promql })}`);
  const body = (await res.json().catch(() => ({ status: 'error', error: `HTTP ${res.status}` }))) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: Sample[] };
  };
  if (body.status !== 'success' || !body.data) throw new Error(`Prometheus rejected the query: ${body.error}`);
  if (body.data.resultType !== 'vector') throw new Error(`expected an instant vector, got a ${body.data.resultType}`);
  return body.data.result;
}

export default defineExercise<Impl>({
  id: '08-1-amount-histogram',
  title: 'A metric and its panel: a histogram of amounts, p90 per payment method',
  teaches:
    'defining a labelled histogram (buckets, zeroed series), exposing it to Prometheus, and the PromQL of a quantile panel over rate() of its buckets',
  minutes: 20,
  engines: ['prometheus'],
  learner: () => import('./exercise.ts'),
  solution: () => import('./solution.ts'),
  wrong: () => import('./wrong.ts'),
  async check({ amountMetric, METRIC, BUCKETS }): Promise<CheckResult> {
    const job = `exercise_08_1_${crypto.randomUUID().slice(0, 8)}`;
    registry.removeSingleMetric(METRIC); // an earlier run in this process (watch) registered it
    const m = amountMetric(registry);
    const server = await serveMetrics({ job, instance: `exercise/${process.pid}` });
    try {
      // 1. the series before any transaction: every method's buckets at 0
      const before = await scrapeMetrics(server.url);
      const zeroed = PAYMENT_METHODS.filter(
        (p) => before.get(`${METRIC}_bucket{le="+Inf",payment_method="${p}"}`) === 0,
      );
      if (zeroed.length !== PAYMENT_METHODS.length)
        return {
          ok: false,
          lines: [
            `before any transaction, /metrics must show ${METRIC}_bucket at 0 for every payment method (${PAYMENT_METHODS.join(', ')}), so that rate() has a first sample; it shows ${zeroed.length ? zeroed.join(', ') : 'none of them'}`,
            ...[...before.keys()]
              .filter((k) => k.startsWith(METRIC))
              .slice(0, 3)
              .map((k) => `  e.g. ${k} ${before.get(k)}`),
          ],
        };
      // Prometheus finds the target file (every 5 s) and scrapes it (every 5 s): the zeros are in
      await waitUntil(`Prometheus to scrape ${job}`, async () => (await query(`up{job="${job}"} == 1`)).length > 0, {
        timeoutMs: 25_000,
        intervalMs: 250,
      });

      // 2. 2,000 seeded transactions, then the next scrape
      const gen = new TransactionGenerator({
        seed: 81,
        customerCount: 500,
        merchantCount: 20,
        fraudRate: 0.02,
        declinedRate: 0.05,
        peakFactor: 1,
      });
      const events = [...gen.stream(T0, 100, { maxEvents: N })].map((s) => s.event);
      for (const tx of events) m.observe(tx);

      // the buckets as exposed, against the amounts counted here
      const bounds = [...BUCKETS.map(String), '+Inf'];
      const le = (b: string) => (b === '+Inf' ? Number.POSITIVE_INFINITY : Number(b));
      const expectedBuckets = new Map<string, number>();
      for (const p of PAYMENT_METHODS)
        for (const b of bounds)
          expectedBuckets.set(`${p} le=${b}`, events.filter((e) => e.payment_method === p && e.amount <= le(b)).length);
      const scraped = await scrapeMetrics(server.url);
      const gotBuckets = new Map<string, number>();
      for (const p of PAYMENT_METHODS)
        for (const b of bounds) {
          const v = scraped.get(`${METRIC}_bucket{le="${b}",payment_method="${p}"}`);
          if (v !== undefined) gotBuckets.set(`${p} le=${b}`, v);
        }
      const buckets = compareKeyed(expectedBuckets, gotBuckets, (n) => `${n}`);
      if (!buckets.ok)
        return {
          ok: false,
          lines: [
            `${METRIC}_bucket on /metrics after ${N} transactions (cumulative counts): ${buckets.lines[0]}`,
            ...buckets.lines.slice(1),
          ],
        };
      await waitUntil(
        `Prometheus to scrape the ${N} transactions`,
        async () => Number((await query(`sum(${METRIC}_count{job="${job}"})`))[0]?.value[1]) === N,
        { timeoutMs: 15_000, intervalMs: 250 },
      );

      // 3. the panel's query, as Grafana would send it, against the p90 computed here
      if (!m.p90ByMethod.includes('$job'))
        return {
          ok: false,
          lines: [`the panel's query must select this process's series with {job="$job"}: ${m.p90ByMethod}`],
        };
      const promql = m.p90ByMethod.replaceAll('$__rate_interval', '1m').replaceAll('$job', job);
      const result = await query(promql);
      if (result.length === 0)
        return {
          ok: false,
          lines: [
            `the panel's query returned no series: ${promql}`,
            `  Prometheus has the histogram (try ${METRIC}_bucket{job="${job}"} on http://127.0.0.1:${MONITORING.prometheusPort}/graph while this runs), so look at what the selector matches and what \`sum by\` keeps: histogram_quantile needs the \`le\` label`,
          ],
        };
      const got = new Map(result.map((s) => [s.metric.payment_method ?? JSON.stringify(s.metric), Number(s.value[1])]));
      const expected = new Map<string, number>(
        PAYMENT_METHODS.map((p) => {
          const counts = bounds.map((b) => ({ le: le(b), count: expectedBuckets.get(`${p} le=${b}`)! }));
          return [p, bucketQuantile(0.9, counts)];
        }),
      );
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
      const r = compareKeyed(
        expected,
        new Map([...got].map(([k, v]) => [k, expected.has(k) && close(v, expected.get(k)!) ? expected.get(k)! : v])),
        (x) => (Number.isFinite(x) ? x.toFixed(2) : String(x)),
      );
      const truth = (p: string) => {
        const a = events
          .filter((e) => e.payment_method === p)
          .map((e) => e.amount)
          .sort((x, y) => x - y);
        return a[Math.ceil(0.9 * a.length) - 1]!;
      };
      return {
        ok: r.ok,
        lines: [
          `p90 by payment method over ${N} transactions, PromQL ${promql}: ${r.lines[0]}`,
          ...r.lines.slice(1),
          ...(r.ok
            ? PAYMENT_METHODS.map(
                (p) =>
                  `  ${p.padEnd(7)} histogram p90 ${expected.get(p)!.toFixed(2).padStart(12)}   exact p90 of the amounts ${truth(p).toFixed(2).padStart(12)}`,
              )
            : []),
        ],
      };
    } finally {
      await server.close();
      registry.removeSingleMetric(METRIC);
    }
  },
});

/** Prometheus' histogram_quantile (promql/quantile.go, 2.42): linear interpolation inside the bucket holding the rank. */
function bucketQuantile(q: number, buckets: { le: number; count: number }[]): number {
  const n = buckets.length;
  const total = buckets[n - 1]!.count;
  if (total === 0) return Number.NaN;
  let rank = q * total;
  let b = buckets.findIndex((x, i) => i < n - 1 && x.count >= rank);
  if (b === -1) b = n - 1;
  if (b === n - 1) return buckets[n - 2]!.le; // in the +Inf bucket: the highest finite bound
  if (b === 0 && buckets[0]!.le <= 0) return buckets[0]!.le;
  const start = b > 0 ? buckets[b - 1]!.le : 0;
  const below = b > 0 ? buckets[b - 1]!.count : 0;
  rank -= below;
  return start + (buckets[b]!.le - start) * (rank / (buckets[b]!.count - below));
}
