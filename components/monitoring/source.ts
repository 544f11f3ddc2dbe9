import type { AlertGroup } from "./rules";
import type { ScrapeTarget } from "./scrape";

/**
 * What a component publishes for Monitoring to scrape and alert on, built with the helpers Monitoring exports
 * (`ScrapeTarget`, `alertRule`). Monitoring takes a list of these and names no component: adding one touches the
 * component's own folder and the stack line that passes its source.
 */
export interface MonitoringSource {
    readonly targets: readonly ScrapeTarget[];
    /** PrometheusRule groups on the targets' metrics. */
    readonly alertGroups?: readonly AlertGroup[];
}
