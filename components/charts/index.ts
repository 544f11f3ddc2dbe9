/**
 * Typed values of every chart the platform installs: one module per chart, each written from that chart's own
 * `values.yaml` (and `values.schema.json` where it has one) at the version pinned in `../versions`, and carrying
 * that version as `chartVersion`. A test fails when a pin moves and its module's version does not: bump it only
 * after checking the keys the module types against the new chart.
 */
export * as traefik from "./traefik";
export * as certManager from "./certManager";
export * as metricsServer from "./metricsServer";
export * as kserve from "./kserve";
export * as strimzi from "./strimzi";
export * as flinkOperator from "./flinkOperator";
export * as trino from "./trino";
export * as kubePrometheusStack from "./kubePrometheusStack";
export * as sparkOperator from "./sparkOperator";
export * as kuberayOperator from "./kuberayOperator";
export * as valkey from "./valkey";
export * as jupyterhub from "./jupyterhub";
export * as dex from "./dex";
export * as oauth2Proxy from "./oauth2Proxy";
