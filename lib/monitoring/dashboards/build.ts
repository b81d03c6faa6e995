// Small helpers over @grafana/grafana-foundation-sdk that every txlab dashboard shares: the two
// datasources by their provisioned uids, PromQL and SQL targets with refIds A, B, … and their
// datasource set, and a grid that places panels left to right, 24 columns wide, wrapping.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder as PromQuery } from '@grafana/grafana-foundation-sdk/prometheus';

/** The uids grafana/provisioning/datasources/txlab.yaml gives the two datasources. */
export const PROMETHEUS: dashboard.DataSourceRef = { type: 'prometheus', uid: 'txlab-prometheus' };
export const MYSQL: dashboard.DataSourceRef = { type: 'mysql', uid: 'txlab-mysql' };

const refId = (i: number) => String.fromCharCode(65 + i);

/** PromQL targets, one per `[expr, legend]`. */
export function prom(...queries: [expr: string, legend: string][]): cog.Builder<cog.Dataquery>[] {
  return queries.map(([expr, legend], i) =>
    new PromQuery().refId(refId(i)).datasource(PROMETHEUS).expr(expr).legendFormat(legend).range(),
  );
}

/** The JSON Grafana's MySQL datasource stores for a code-mode query (the SDK has no builder for it). */
export type SqlQuery = {
  refId: string;
  datasource: dashboard.DataSourceRef;
  rawSql: string;
  format: 'table' | 'time_series';
  rawQuery: true;
  editorMode: 'code';
};

/** SQL targets against the MySQL datasource; `time_series` wants a `time` column. */
export function sql(format: SqlQuery['format'], ...queries: string[]): cog.Builder<cog.Dataquery>[] {
  return queries.map((rawSql, i) => ({
    build: () => {
      const q: SqlQuery = {
        refId: refId(i),
        datasource: MYSQL,
        rawSql: rawSql.trim(),
        format,
        rawQuery: true,
        editorMode: 'code',
      };
      return { ...q, _implementsDataqueryVariant() {} } as cog.Dataquery;
    },
  }));
}

/** Places panels of width w and height h in reading order on Grafana's 24-column grid. */
export function grid(): (w: number, h: number) => dashboard.GridPos {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return (w, h) => {
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const at = { x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return at;
  };
}

/** Common settings: UTC, refresh every 10 s, the last 30 minutes, tagged txlab. */
export function dashboardDefaults<B extends dashboard.DashboardBuilder>(b: B, from = 'now-30m'): B {
  return b.tags(['txlab']).timezone('utc').refresh('10s').time({ from, to: 'now' }).editable() as B;
}
