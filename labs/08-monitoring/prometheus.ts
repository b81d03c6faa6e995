// Prometheus's HTTP API as lab 08 uses it: an instant query and a range query, their results as plain
// series (labels and [seconds, value] points; NaN points, e.g. a quantile of no data, left out).

export type Series = { labels: Record<string, string>; points: [t: number, value: number][] };

type ApiResult = {
  status: 'success' | 'error';
  error?: string;
  data?: {
    resultType: string;
    result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[];
  };
};

async function api(base: string, path: string, params: Record<string, string>): Promise<Series[]> {
  const url = `${base}/api/v1/${path}?${new URLSearchParams(params)}`;
  const res = await fetch(url);
  const body = (await res.json().catch(() => ({ status: 'error', error: `HTTP ${res.status}` }))) as ApiResult;
  if (body.status !== 'success' || !body.data)
    throw new Error(`prometheus ${path} ${params.query}: ${body.error ?? `HTTP ${res.status}`}`);
  return body.data.result.map((r) => ({
    labels: r.metric,
    points: (r.values ?? (r.value ? [r.value] : []))
      .map(([t, v]) => [t, Number(v)] as [number, number])
      .filter(([, v]) => Number.isFinite(v)),
  }));
}

export const instantQuery = (base: string, query: string) => api(base, 'query', { query });

export const rangeQuery = (base: string, query: string, from: Date, to: Date, stepS: number) =>
  api(base, 'query_range', {
    query,
    start: (from.getTime() / 1000).toFixed(3),
    end: (to.getTime() / 1000).toFixed(3),
    step: String(stepS),
  });
