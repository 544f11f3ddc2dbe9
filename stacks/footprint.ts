/**
 * Steady-state resource footprint of a stack, computed from what the program registers: Kubernetes workloads,
 * the operator custom resources that become pods (Strimzi, Flink, KServe), and the values passed to Helm charts.
 * Pure: it reads registrations (type, URN, inputs) and never talks to a cluster.
 */
import { KSERVE_AGENT_RESOURCES } from "../components/serving/charts";

export interface Resources {
    /** CPU in cores. */
    readonly cpu: number;
    /** Memory in bytes. */
    readonly memory: number;
}

export interface WorkloadFootprint {
    /** Platform component (`lakehouse`, `streaming`, ...) from the resource's parent chain. */
    readonly component: string;
    /** Where it comes from: a Kubernetes kind, a custom resource kind, or `chart:<release>`. */
    readonly source: string;
    /** Workload name (for charts: the values path holding its `resources`). */
    readonly workload: string;
    readonly replicas: number;
    /** Per replica. */
    readonly requests: Resources;
    /** Per replica. */
    readonly limits: Resources;
    /** Containers (or values paths) with no CPU or memory request. */
    readonly missingRequests: readonly string[];
}

export interface Registered {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly inputs: Record<string, any>;
}

const units: Record<string, number> = {
    "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** Kubernetes CPU quantity (`500m`, `2`, `0.5`) in cores. */
export function parseCpu(q: unknown): number {
    if (q === undefined || q === null || q === "") return 0;
    const s = String(q).trim();
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(s);
    if (!m) throw new Error(`not a CPU quantity: ${JSON.stringify(q)}`);
    return Number(m[1]) / (m[2] ? 1000 : 1);
}

/** Kubernetes memory quantity (`512Mi`, `1Gi`, `1G`, `1e9`, `1048576`) in bytes. */
export function parseMemory(q: unknown): number {
    if (q === undefined || q === null || q === "") return 0;
    const s = String(q).trim();
    const m = /^(\d+(?:\.\d+)?(?:e\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?$/.exec(s);
    if (!m) throw new Error(`not a memory quantity: ${JSON.stringify(q)}`);
    if (m[2] === "m") return Number(m[1]) / 1000;
    return Number(m[1]) * units[m[2] ?? ""];
}

const zero: Resources = { cpu: 0, memory: 0 };
const add = (a: Resources, b: Resources): Resources => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory });
const resourcesOf = (r: any): Resources => ({ cpu: parseCpu(r?.cpu), memory: parseMemory(r?.memory) });
const hasRequests = (r: any) => r?.requests?.cpu !== undefined && r?.requests?.memory !== undefined;

/** The platform component a resource belongs to: the module of its outermost `mlplatform:*` parent. */
export function componentOf(urn: string): string {
    const typeChain = urn.split("::")[2] ?? "";
    const platform = typeChain.split("$").find((t) => t.startsWith("mlplatform:"));
    return platform?.split(":")[1] ?? "other";
}

function podSpecFootprint(spec: any): Pick<WorkloadFootprint, "requests" | "limits" | "missingRequests"> {
    const containers: any[] = spec?.containers ?? [];
    return {
        requests: containers.reduce((acc, c) => add(acc, resourcesOf(c.resources?.requests)), zero),
        limits: containers.reduce((acc, c) => add(acc, resourcesOf(c.resources?.limits)), zero),
        missingRequests: [...containers, ...(spec?.initContainers ?? [])].filter((c) => !hasRequests(c.resources)).map((c) => c.name),
    };
}

/**
 * What a generic walk of chart values cannot know, per chart: one-shot Jobs and pod templates that are not
 * steady-state workloads, replica counts kept elsewhere in the values, and sections switched off elsewhere.
 */
interface ChartHints {
    /** Values paths of Jobs, hooks and templates (not running all the time). */
    readonly transient?: readonly string[];
    /** Values path of a workload -> values path of its replica count. */
    readonly replicasAt?: Readonly<Record<string, string>>;
    /** Values path of a workload -> values path of the boolean that enables it. */
    readonly enabledBy?: Readonly<Record<string, string>>;
    /** Values path of a workload -> how many containers run it (one sidecar's values in several pods or kinds). */
    readonly copies?: Readonly<Record<string, number | ((values: any) => number)>>;
    /** Values path of a workload -> its pod count, where the chart derives it from several values. */
    readonly podsOf?: Readonly<Record<string, (values: any) => number>>;
}

/**
 * kube-prometheus-stack 88.5.3's Grafana 12.11.1 subchart runs one container per sidecar kind that is enabled and not
 * turned into an init container, every one with `sidecar.resources`.
 */
const grafanaSidecars = (values: any) => {
    const sc = values.grafana?.sidecar ?? {};
    const init: Record<string, string> = { dashboards: "initDashboards", datasources: "initDatasources", alerts: "initAlerts", notifiers: "initNotifiers" };
    return ["dashboards", "datasources", "alerts", "notifiers", "plugins"].filter((k) => sc[k]?.enabled === true && !(init[k] && sc[k][init[k]] === true)).length;
};

/** The Valkey chart 0.11.0: a Deployment of one, or with `replica.enabled` a StatefulSet of `replica.replicas + 1` (the exporter is a sidecar). */
const valkeyPods = (values: any) => (values.replica?.enabled ? Number(values.replica.replicas ?? 2) + 1 : 1);

export const chartHints: Readonly<Record<string, ChartHints>> = {
    airflow: {
        // `workers` is the KubernetesExecutor's task-pod template; with Celery it is a StatefulSet.
        transient: ["cleanup", "createUserJob", "databaseCleanup", "migrateDatabaseJob"],
        copies: { "dags.gitSync": 2 },
    },
    trino: { replicasAt: { worker: "server.workers" } },
    "cert-manager": { transient: ["startupapicheck"] },
    "kube-prometheus-stack": {
        transient: ["prometheusOperator.admissionWebhooks.patch"],
        copies: {
            "grafana.sidecar": grafanaSidecars,
            // The operator adds the reloader to the Prometheus pod and to the Alertmanager pod.
            "prometheusOperator.prometheusConfigReloader": (values) => 1 + (values.alertmanager?.enabled === false ? 0 : 1),
        },
    },
    "flink-kubernetes-operator": { enabledBy: { "operatorPod.webhook": "webhook.create" } },
    valkey: { podsOf: { "(root)": valkeyPods, "metrics.exporter": valkeyPods } },
};

const at = (values: any, dotted: string) => dotted.split(".").reduce((v, k) => v?.[k], values);

/** Steady-state workloads of one chart's values. */
export function chartFootprint(chart: string, values: any): { workload: string; replicas: number; resources: any }[] {
    const name = chart.split("/").pop()!;
    const hints = chartHints[name] ?? {};
    const kubernetesExecutor = name === "airflow" && (values.executor ?? "CeleryExecutor") === "KubernetesExecutor";
    return chartWorkloads(values)
        .filter((w) => !(hints.transient ?? []).includes(w.workload) && !(kubernetesExecutor && w.workload === "workers"))
        .filter((w) => !hints.enabledBy?.[w.workload] || at(values, hints.enabledBy[w.workload]) === true)
        .map((w) => {
            const replicasPath = hints.replicasAt?.[w.workload];
            const podsOf = hints.podsOf?.[w.workload];
            const copies = hints.copies?.[w.workload] ?? 1;
            const replicas = podsOf ? podsOf(values) : replicasPath ? Number(at(values, replicasPath) ?? 0) : w.replicas * (typeof copies === "function" ? copies(values) : copies);
            return { ...w, replicas };
        })
        .filter((w) => w.replicas > 0);
}

/** Values paths that carry `resources`, with the replica count found beside them (skipping `enabled: false`). */
export function chartWorkloads(values: any, path: string[] = []): { workload: string; replicas: number; resources: any }[] {
    if (!values || typeof values !== "object" || Array.isArray(values) || values.enabled === false) return [];
    // A PVC template's `resources` asks for storage, not CPU or memory: not a workload.
    const computeResources = ["requests", "limits"].some((k) => values.resources?.[k]?.cpu !== undefined || values.resources?.[k]?.memory !== undefined);
    const here = computeResources
            ? [{ workload: path.join(".") || "(root)", replicas: Number(values.replicas ?? values.replicaCount ?? 1), resources: values.resources }]
            : [];
    return [
        ...here,
        ...Object.entries(values)
            .filter(([k]) => k !== "resources")
            .flatMap(([k, v]) => chartWorkloads(v, [...path, k])),
    ];
}

/** The minimum replicas an HorizontalPodAutoscaler gives a workload (`kind`, namespace, name), when one scales it. */
export type ScaledBy = (kind: string, namespace: string, name: string) => number | undefined;

/** HPAs among the registrations, as a {@link ScaledBy} lookup. */
export function autoscalers(resources: readonly Registered[]): ScaledBy {
    const min = new Map<string, number>();
    for (const r of resources.filter((x) => x.type === "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")) {
        const target = r.inputs.spec?.scaleTargetRef ?? {};
        min.set(`${target.kind}/${r.inputs.metadata?.namespace}/${target.name}`, Number(r.inputs.spec?.minReplicas ?? 1));
    }
    return (kind, namespace, name) => min.get(`${kind}/${namespace}/${name}`);
}

/** The steady-state workloads one registration stands for (Jobs and CronJobs are not steady state). */
export function workloadsOf(r: Registered, scaledBy: ScaledBy = () => undefined): WorkloadFootprint[] {
    const component = componentOf(r.urn);
    const kind = r.type.split(":").pop() ?? r.type;
    const one = (workload: string, replicas: number, p: Pick<WorkloadFootprint, "requests" | "limits" | "missingRequests">): WorkloadFootprint[] => [
        { component, source: kind, workload, replicas, ...p },
    ];
    const fromResources = (res: any, label: string) => ({
        requests: resourcesOf(res?.requests),
        limits: resourcesOf(res?.limits),
        missingRequests: hasRequests(res) ? [] : [label],
    });
    const spec = r.inputs.spec ?? {};
    const name = r.inputs.metadata?.name ?? r.name;

    switch (true) {
        case /^kubernetes:apps\/v1:(Deployment|StatefulSet)$/.test(r.type):
            // A workload an HPA scales leaves its count to the HPA: its steady state is the HPA's minimum.
            return one(name, Number(spec.replicas ?? scaledBy(kind, r.inputs.metadata?.namespace, name) ?? 1), podSpecFootprint(spec.template?.spec));
        case r.type === "kubernetes:apps/v1:DaemonSet":
            return one(name, 1, podSpecFootprint(spec.template?.spec));
        case /^kubernetes:kafka\.strimzi\.io\/v1(beta2)?:(KafkaNodePool|KafkaConnect|KafkaMirrorMaker2|KafkaBridge)$/.test(r.type):
            return one(name, Number(spec.replicas ?? 1), fromResources(spec.resources, name));
        case /^kubernetes:kafka\.strimzi\.io\/v1(beta2)?:Kafka$/.test(r.type):
            return [
                ...(spec.entityOperator?.topicOperator ? one(`${name}-topic-operator`, 1, fromResources(spec.entityOperator.topicOperator.resources, "topicOperator")) : []),
                ...(spec.entityOperator?.userOperator ? one(`${name}-user-operator`, 1, fromResources(spec.entityOperator.userOperator.resources, "userOperator")) : []),
                ...(spec.kafkaExporter ? one(`${name}-kafka-exporter`, 1, fromResources(spec.kafkaExporter.resources, "kafkaExporter")) : []),
                ...(spec.cruiseControl ? one(`${name}-cruise-control`, 1, fromResources(spec.cruiseControl.resources, "cruiseControl")) : []),
            ];
        case /^kubernetes:flink\.apache\.org\/v1beta1:FlinkDeployment$/.test(r.type): {
            const flink = (part: any, label: string) => {
                const res = { cpu: part?.resource?.cpu, memory: part?.resource?.memory };
                return { requests: resourcesOf(res), limits: resourcesOf(res), missingRequests: part?.resource ? [] : [label] };
            };
            return [
                ...one(`${name}-jobmanager`, Number(spec.jobManager?.replicas ?? 1), flink(spec.jobManager, "jobManager")),
                ...one(`${name}-taskmanager`, Number(spec.taskManager?.replicas ?? 1), flink(spec.taskManager, "taskManager")),
            ];
        }
        case /^kubernetes:serving\.kserve\.io\/v1beta1:InferenceService$/.test(r.type): {
            const predictor = spec.predictor ?? {};
            const container = predictor.model ?? predictor.containers?.[0] ?? {};
            const replicas = Number(predictor.minReplicas ?? 1);
            // A predictor that logs gets KServe's agent beside its server: the feedback loop's cost, counted there.
            const agent: WorkloadFootprint[] = predictor.logger
                ? [{ component: "feedback", source: kind, workload: `${name}-agent`, replicas, ...fromResources(KSERVE_AGENT_RESOURCES, "agent") }]
                : [];
            return [...one(name, replicas, fromResources(container.resources, "predictor")), ...agent];
        }
        case r.type === "kubernetes:ray.io/v1:RayCluster": {
            // Steady state: the head (with the autoscaler beside it) and each worker group at its minimum.
            const autoscaler = spec.enableInTreeAutoscaling ? fromResources(spec.autoscalerOptions?.resources, "autoscaler") : undefined;
            const head = podSpecFootprint(spec.headGroupSpec?.template?.spec);
            return [
                ...one(`${name}-head`, 1, autoscaler ? { requests: add(head.requests, autoscaler.requests), limits: add(head.limits, autoscaler.limits), missingRequests: [...head.missingRequests, ...autoscaler.missingRequests] } : head),
                ...(spec.workerGroupSpecs ?? []).flatMap((g: any) => one(`${name}-${g.groupName}`, Number(g.minReplicas ?? g.replicas ?? 0), podSpecFootprint(g.template?.spec))),
            ];
        }
        case r.type === "kubernetes:helm.sh/v3:Release":
            return chartFootprint(String(r.inputs.chart), r.inputs.values ?? {}).map((w) => ({
                component,
                source: `chart:${r.inputs.chart}`,
                workload: w.workload,
                replicas: w.replicas,
                ...fromResources(w.resources, w.workload),
            }));
        default:
            return [];
    }
}

export interface FootprintReport {
    readonly workloads: WorkloadFootprint[];
    /** Totals per component, replicas included. */
    readonly byComponent: Record<string, { requests: Resources; limits: Resources }>;
    readonly total: { requests: Resources; limits: Resources };
}

export function footprint(resources: readonly Registered[]): FootprintReport {
    const scaledBy = autoscalers(resources);
    const workloads = resources.flatMap((r) => workloadsOf(r, scaledBy));
    const byComponent: FootprintReport["byComponent"] = {};
    let total = { requests: zero, limits: zero };
    for (const w of workloads) {
        const scaled = {
            requests: { cpu: w.requests.cpu * w.replicas, memory: w.requests.memory * w.replicas },
            limits: { cpu: w.limits.cpu * w.replicas, memory: w.limits.memory * w.replicas },
        };
        const c = byComponent[w.component] ?? { requests: zero, limits: zero };
        byComponent[w.component] = { requests: add(c.requests, scaled.requests), limits: add(c.limits, scaled.limits) };
        total = { requests: add(total.requests, scaled.requests), limits: add(total.limits, scaled.limits) };
    }
    return { workloads, byComponent, total };
}

const cores = (n: number) => (n === 0 ? "-" : `${Number(n.toFixed(3))}`);
const gib = (n: number) => (n === 0 ? "-" : `${(n / 2 ** 30).toFixed(2)} GiB`);

/** A Markdown table a person can read (and paste into the README). */
export function formatFootprint(report: FootprintReport, stack: string): string {
    const rows = report.workloads.map(
        (w) => `| ${w.component} | ${w.source} | ${w.workload} | ${w.replicas} | ${cores(w.requests.cpu)} | ${gib(w.requests.memory)} | ${cores(w.limits.cpu)} | ${gib(w.limits.memory)} |`,
    );
    const components = Object.entries(report.byComponent).map(
        ([c, t]) => `| ${c} | ${cores(t.requests.cpu)} | ${gib(t.requests.memory)} | ${cores(t.limits.cpu)} | ${gib(t.limits.memory)} |`,
    );
    return [
        `Footprint of stack "${stack}" (per replica, then totals with replicas)`,
        "",
        "| component | source | workload | replicas | cpu req | mem req | cpu limit | mem limit |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ...rows,
        "",
        "| component | cpu req | mem req | cpu limit | mem limit |",
        "| --- | --- | --- | --- | --- |",
        ...components,
        `| **total** | **${cores(report.total.requests.cpu)}** | **${gib(report.total.requests.memory)}** | **${cores(report.total.limits.cpu)}** | **${gib(report.total.limits.memory)}** |`,
    ].join("\n");
}
