import type { AlertWebhook } from "./alerting";
import type { Dashboard, PanelSpec } from "./grafana";
import type { AlertGroup } from "./rules";
import type { ScrapeTarget } from "./scrape";

/**
 * What a component publishes for Monitoring to scrape, alert on and draw, built with the helpers Monitoring exports
 * (`ScrapeTarget`, `alertRule`, `targetSelector`, `dashboard`). Monitoring takes a list of these and names no
 * component: adding one touches the component's own folder and the stack line that passes its source.
 */
export interface MonitoringSource {
    readonly targets: readonly ScrapeTarget[];
    /** PrometheusRule groups on the targets' metrics (all land in Monitoring's one PrometheusRule). */
    readonly alertGroups?: readonly AlertGroup[];
    /** The component's own Grafana dashboards (each a ConfigMap in Monitoring's namespace, folder "ML platform"). */
    readonly dashboards?: readonly Dashboard[];
    /** Stat panels for the "Components" rows of Monitoring's overview dashboard: the component's one-glance health. */
    readonly headlines?: readonly PanelSpec[];
    /** Webhooks Alertmanager calls for some of the component's alerts (routes with `continue`, before the platform receiver). */
    readonly webhooks?: readonly AlertWebhook[];
}
