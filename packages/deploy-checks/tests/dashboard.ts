/** The parts of a Grafana dashboard the checks read. */
export interface GrafanaDashboard {
  uid: string;
  panels: GrafanaPanel[];
}

export interface GrafanaPanel {
  title: string;
  type: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; datasource?: { type: string; uid: string } }[];
  panels?: GrafanaPanel[];
}

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: GrafanaDashboard): GrafanaPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** Every PromQL expression of the dashboard, with the panel it belongs to. */
export function dashboardQueries(dashboard: GrafanaDashboard): { panel: string; expr: string }[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );
}

/** The project's metric names a PromQL expression reads. */
export function metricNamesIn(expr: string): string[] {
  return [...new Set(expr.match(/\bstoreflow_[a-z0-9_]+/g) ?? [])];
}

/** Grafana's own variables replaced by what Prometheus accepts, so promtool can parse the query. */
export function withoutGrafanaVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h');
}
