/** The shape of the platform's alert rules, their tunable thresholds and the helpers that build them. */
import { ScrapeTarget } from "./scrape";

export type Severity = "warning" | "critical";

export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly labels: { readonly severity: Severity; readonly platform_component: string };
    readonly annotations: { readonly summary: string; readonly description: string; readonly runbook: string; readonly runbook_url?: string };
}

export interface AlertGroup {
    readonly name: string;
    readonly rules: readonly AlertRule[];
}

/**
 * Thresholds of Monitoring's own rules a platform team can tune; the defaults are what the rules were written for.
 * Components' rules take their thresholds from the component (e.g. `Streaming`'s and `Serving`'s `alerts`).
 */
export interface AlertThresholds {
    /** WAL bytes a (CDC) replication slot of the in-cluster Postgres may retain for 15 minutes before its disk is at risk. Default 1 GiB. */
    readonly cdcReplicationSlotLagBytes: number;
    /** Free fraction of a PVC below which a warning fires. Default 0.15. */
    readonly pvcFreeWarningRatio: number;
    /** Free fraction of a PVC below which a critical alert fires. Default 0.05. */
    readonly pvcFreeCriticalRatio: number;
}

export const defaultAlertThresholds: AlertThresholds = {
    cdcReplicationSlotLagBytes: 1024 ** 3,
    pvcFreeWarningRatio: 0.15,
    pvcFreeCriticalRatio: 0.05,
};

/** One alerting rule with its labels and annotations. */
export function ruleOf(
    component: string,
    alert: string,
    severity: Severity,
    forDuration: string,
    expr: string,
    summary: string,
    description: string,
    runbook: string,
    runbookUrl?: string,
): AlertRule {
    return {
        alert,
        expr,
        for: forDuration,
        labels: { severity, platform_component: component },
        annotations: { summary, description, runbook, ...(runbookUrl ? { runbook_url: runbookUrl } : {}) },
    };
}

/** PromQL string literal for a regex or value (RE2 backslashes doubled inside the double-quoted string). */
export const promString = (s: string) => JSON.stringify(s);

/** The `{platform_target="<name>"}` matcher, plus extra matchers, e.g. `, status=~"5.."`. */
export const targetSelector = (target: Pick<ScrapeTarget, "name">, extra = "") => `{platform_target=${promString(target.name)}${extra}}`;
