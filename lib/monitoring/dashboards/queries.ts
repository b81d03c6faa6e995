// What a dashboard asks its datasources, read back from its JSON, and Grafana's macros replaced the
// way Grafana replaces them, so the queries can be run without Grafana: PromQL against Prometheus,
// SQL against MariaDB. Pure.

export type PanelJson = {
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: TargetJson[];
  panels?: PanelJson[];
};
export type TargetJson = {
  refId: string;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  rawSql?: string;
};
export type DashboardJson = {
  uid: string;
  title: string;
  panels?: PanelJson[];
  templating?: { list?: { name: string }[] };
};

export type Query = { dashboard: string; panel: string; refId: string; datasource: string; text: string };

/** Every panel, rows' children included. */
export function panelsOf(d: DashboardJson): PanelJson[] {
  return (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
}

export function queriesOf(d: DashboardJson): Query[] {
  return panelsOf(d).flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      dashboard: d.uid,
      panel: p.title ?? '',
      refId: t.refId,
      datasource: t.datasource?.uid ?? p.datasource?.uid ?? '',
      text: t.expr ?? t.rawSql ?? '',
    })),
  );
}

/** Every `rate(`/`increase(`/`irate(` range, e.g. `$__rate_interval` or `5m`. */
export function rangesOfRates(expr: string): string[] {
  return [...expr.matchAll(/\b(?:rate|irate|increase)\s*\(((?:[^()]|\([^()]*\))*)\)/g)].map(
    (m) => /\[([^\]]+)\]\s*$/.exec(m[1]!.trim())?.[1] ?? '',
  );
}

/** PromQL as Grafana sends it: interval macros filled in, each template variable matching anything. */
export function expandPromql(expr: string, variables: readonly string[]): string {
  let out = expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '15s').replaceAll('$__range', '1h');
  for (const v of variables) out = out.replaceAll(`\${${v}}`, '.*').replaceAll(`$${v}`, '.*');
  return out;
}

const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
const seconds = (interval: string) => {
  const m = /^'?(\d+)([smhd])'?$/.exec(interval.trim());
  if (!m) throw new Error(`cannot read the interval ${interval}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
};

/**
 * SQL as Grafana's MySQL datasource sends it for the range [from, to]: `$__timeFilter(col)`,
 * `$__timeGroup(col, '5m')`, `$__timeGroupAlias(col, '5m')`, `$__timeFrom()`, `$__timeTo()`.
 */
export function expandSql(rawSql: string, from: Date, to: Date): string {
  const group = (args: string) => {
    const [col, interval] = args.split(',').map((s) => s.trim());
    const s = seconds(interval ?? '');
    return `UNIX_TIMESTAMP(${col}) DIV ${s} * ${s}`;
  };
  return rawSql
    .replace(
      /\$__timeFilter\(([^)]+)\)/g,
      (_, col) => `${col.trim()} BETWEEN FROM_UNIXTIME(${epoch(from)}) AND FROM_UNIXTIME(${epoch(to)})`,
    )
    .replace(/\$__timeGroupAlias\(([^)]+)\)/g, (_, args) => `${group(args)} AS "time"`)
    .replace(/\$__timeGroup\(([^)]+)\)/g, (_, args) => group(args))
    .replaceAll('$__timeFrom()', `FROM_UNIXTIME(${epoch(from)})`)
    .replaceAll('$__timeTo()', `FROM_UNIXTIME(${epoch(to)})`);
}
