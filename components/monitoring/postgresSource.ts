/**
 * Monitoring's own source: the postgres-exporter it runs for the in-cluster Postgres (see postgresExporter.ts).
 * Built like any component's `MonitoringSource`, so Monitoring treats it as one more entry of the list.
 */
import { green, red } from "./grafana";
import { postgresMetrics } from "./metrics";
import { POSTGRES_EXPORTER_PORT } from "./postgresExporter";
import { AlertThresholds, ruleOf as rule, targetSelector } from "./rules";
import { LabelSelector, ScrapeTarget } from "./scrape";
import { MonitoringSource } from "./source";

/**
 * Name of the postgres-exporter's target: every series carries `platform_target="postgres"`. A component whose
 * dashboard shows the in-cluster Postgres's view of it (CDC replication slots) selects on it.
 */
export const POSTGRES_TARGET = "postgres";

export function postgresSource(namespace: string, selector: LabelSelector, t: AlertThresholds): MonitoringSource {
    const target: ScrapeTarget = {
        component: "postgres",
        name: POSTGRES_TARGET,
        namespace,
        kind: "ServiceMonitor",
        selector,
        port: "metrics",
        portNumber: POSTGRES_EXPORTER_PORT,
        path: "/metrics",
        interval: "30s",
        metrics: postgresMetrics,
    };
    const sel = targetSelector(target);
    return {
        targets: [target],
        alertGroups: [
            {
                name: "ml-platform.postgres",
                rules: [
                    rule(
                        "postgres",
                        "PostgresDown",
                        "critical",
                        "2m",
                        `max by (namespace) (pg_up${sel}) == 0`,
                        "Postgres is unreachable",
                        "postgres-exporter cannot connect to the platform Postgres: the metastore, Airflow and MLflow are failing.",
                        "Check the Postgres pod/instance status and its log; verify the exporter's credentials Secret is current.",
                    ),
                    // Slots exist only where a CDC source (Debezium) was set up: without one these never fire.
                    rule(
                        "postgres",
                        "CdcReplicationSlotLagHigh",
                        "warning",
                        "15m",
                        `max by (namespace, slot_name) (pg_replication_slots_pg_wal_lsn_diff${sel}) > ${t.cdcReplicationSlotLagBytes}`,
                        "Replication slot {{ $labels.slot_name }} retains {{ $value | humanize1024 }}B of WAL",
                        "The CDC source (Debezium) is not confirming WAL on slot {{ $labels.slot_name }}: it lags behind Postgres, and the retained WAL grows on the database disk.",
                        "Check the Debezium connector is RUNNING; if the slot is abandoned, drop it (SELECT pg_drop_replication_slot('<slot>')) before the WAL fills the Postgres volume.",
                    ),
                    rule(
                        "postgres",
                        "CdcReplicationSlotInactive",
                        "warning",
                        "15m",
                        `max by (namespace, slot_name) (pg_replication_slots_active${sel}) == 0`,
                        "Replication slot {{ $labels.slot_name }} has no consumer",
                        "Nothing has been reading replication slot {{ $labels.slot_name }} for 15 minutes; Postgres keeps its WAL until a consumer returns.",
                        "Start or fix the Debezium connector that owns the slot, or drop the slot if the connector was removed.",
                    ),
                ],
            },
        ],
        headlines: [
            {
                title: "Postgres up",
                type: "stat",
                queries: [{ expr: `max(pg_up${sel})` }],
                thresholds: [{ value: null, color: red }, { value: 1, color: green }],
            },
        ],
    };
}
