/**
 * A small Grafana dashboard builder: every dashboard this project ships is generated through it, so they share
 * the datasource, layout, tags and panel defaults, and their queries can be checked by tests.
 */

/** The Prometheus datasource kube-prometheus-stack provisions (`grafana.sidecar.datasources.uid`). */
export const PROMETHEUS_DATASOURCE = { type: "prometheus", uid: "prometheus" } as const;

export interface Query {
    readonly expr: string;
    /** Legend, e.g. `{{namespace}}`. */
    readonly legend?: string;
    /** Evaluate once at the end of the range (tables and stats of current state). */
    readonly instant?: boolean;
}

export interface PanelSpec {
    readonly title: string;
    readonly type: "timeseries" | "stat" | "table";
    readonly queries: readonly Query[];
    readonly description?: string;
    /** Grafana unit id, e.g. `short`, `bytes`, `s`, `percentunit`, `reqps`. */
    readonly unit?: string;
    /** Steps, ascending: the colour from each value up. The first step's value is ignored (base). */
    readonly thresholds?: readonly { readonly value: number | null; readonly color: string }[];
    /** Width in grid columns (of 24). Default: the row's width shared equally. */
    readonly width?: number;
    readonly height?: number;
}

export interface RowSpec {
    readonly title?: string;
    readonly panels: readonly PanelSpec[];
}

export interface DashboardSpec {
    readonly uid: string;
    readonly title: string;
    readonly description: string;
    readonly rows: readonly RowSpec[];
    readonly tags?: readonly string[];
}

const GRID_WIDTH = 24;

function panelJson(p: PanelSpec, id: number, gridPos: { x: number; y: number; w: number; h: number }) {
    const thresholds = p.thresholds ?? [{ value: null, color: "green" }];
    return {
        id,
        type: p.type,
        title: p.title,
        ...(p.description ? { description: p.description } : {}),
        datasource: PROMETHEUS_DATASOURCE,
        gridPos,
        fieldConfig: {
            defaults: {
                unit: p.unit ?? "short",
                thresholds: { mode: "absolute", steps: thresholds.map((s, i) => ({ value: i === 0 ? null : s.value, color: s.color })) },
                ...(p.type === "timeseries" ? { custom: { lineWidth: 1, fillOpacity: 10, showPoints: "never" } } : {}),
            },
            overrides: [],
        },
        options:
            p.type === "stat"
                ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "background", graphMode: "none", textMode: "auto" }
                : p.type === "table"
                  ? { showHeader: true }
                  : { legend: { displayMode: "table", placement: "bottom", calcs: ["lastNotNull", "max"] }, tooltip: { mode: "multi", sort: "desc" } },
        targets: p.queries.map((q, i) => ({
            refId: String.fromCharCode(65 + i),
            datasource: PROMETHEUS_DATASOURCE,
            expr: q.expr,
            legendFormat: q.legend ?? "__auto",
            ...(q.instant || p.type === "table" ? { instant: true, range: false, format: p.type === "table" ? "table" : "time_series" } : { range: true }),
        })),
        ...(p.type === "table" ? { transformations: [{ id: "organize", options: { excludeByName: { Time: true } } }] } : {}),
    };
}

/** The dashboard JSON Grafana's sidecar provisions. Rows of panels are laid out left to right, top to bottom. */
export function dashboardJson(spec: DashboardSpec) {
    const panels: object[] = [];
    let y = 0;
    let id = 1;
    for (const row of spec.rows) {
        if (row.title) {
            panels.push({ id: id++, type: "row", title: row.title, collapsed: false, gridPos: { x: 0, y, w: GRID_WIDTH, h: 1 }, panels: [] });
            y += 1;
        }
        const fixed = row.panels.reduce((sum, p) => sum + (p.width ?? 0), 0);
        const flexible = row.panels.filter((p) => p.width === undefined).length;
        const share = flexible ? Math.floor((GRID_WIDTH - fixed) / flexible) : 0;
        let x = 0;
        let rowHeight = 0;
        for (const p of row.panels) {
            const w = p.width ?? share;
            const h = p.height ?? (p.type === "stat" ? 4 : 8);
            if (x + w > GRID_WIDTH) throw new Error(`dashboard ${spec.uid}: row "${row.title ?? ""}" is wider than ${GRID_WIDTH} columns`);
            panels.push(panelJson(p, id++, { x, y, w, h }));
            x += w;
            rowHeight = Math.max(rowHeight, h);
        }
        y += rowHeight;
    }
    return {
        uid: spec.uid,
        title: spec.title,
        description: spec.description,
        tags: ["ml-platform", ...(spec.tags ?? [])],
        editable: false,
        graphTooltip: 1,
        schemaVersion: 39,
        version: 1,
        time: { from: "now-6h", to: "now" },
        refresh: "1m",
        timezone: "utc",
        templating: { list: [] },
        annotations: { list: [] },
        links: [{ type: "dashboards", tags: ["ml-platform"], asDropdown: true, title: "ML platform" }],
        panels,
    };
}

/** Every PromQL expression of a dashboard's panels (for tests and for reviewers). */
export function dashboardQueries(dashboard: ReturnType<typeof dashboardJson>): string[] {
    return dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: { expr: string }) => t.expr));
}

export const red = "red";
export const green = "green";
export const orange = "orange";

/** One dashboard as Monitoring provisions it: a ConfigMap `dashboard-<name>` holding `<name>.json`. */
export interface Dashboard {
    /** Short name: the ConfigMap suffix and file name. Unique across every source. */
    readonly name: string;
    readonly json: ReturnType<typeof dashboardJson>;
}

/** A dashboard built from `spec`, for a `MonitoringSource`. */
export function dashboard(name: string, spec: DashboardSpec): Dashboard {
    return { name, json: dashboardJson(spec) };
}
