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

/** Thresholds a platform team can tune; the defaults are what the rules were written for. */
export interface AlertThresholds {
    /** Messages a CDC consumer group may lag behind on a topic for 15 minutes. Default 10000. */
    readonly cdcConsumerLagMessages: number;
    /** WAL bytes a CDC replication slot may retain for 15 minutes before the source DB's disk is at risk. Default 1 GiB. */
    readonly cdcReplicationSlotLagBytes: number;
    /** p95 predict latency (seconds) per model, over 10 minutes. Default 1. */
    readonly inferenceP95Seconds: number;
    /** Failed / all inference requests per model, over 10 minutes. Default 0.05. */
    readonly inferenceErrorRatio: number;
    /** Free fraction of a PVC below which a warning fires. Default 0.15. */
    readonly pvcFreeWarningRatio: number;
    /** Free fraction of a PVC below which a critical alert fires. Default 0.05. */
    readonly pvcFreeCriticalRatio: number;
}

export const defaultAlertThresholds: AlertThresholds = {
    cdcConsumerLagMessages: 10_000,
    cdcReplicationSlotLagBytes: 1024 ** 3,
    inferenceP95Seconds: 1,
    inferenceErrorRatio: 0.05,
    pvcFreeWarningRatio: 0.15,
    pvcFreeCriticalRatio: 0.05,
};

export interface AlertContext {
    readonly targets: readonly ScrapeTarget[];
    /** Regex of CDC topics (consumer lag alert). */
    readonly cdcTopicPattern: string;
    readonly thresholds: AlertThresholds;
}

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
export const targetSelector = (target: ScrapeTarget, extra = "") => `{platform_target=${promString(target.name)}${extra}}`;
