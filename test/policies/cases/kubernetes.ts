import * as k8s from "@pulumi/kubernetes";
import { dropAllCapabilities } from "../../../policies/kubernetes/drop-all-capabilities";
import { imagesPinned } from "../../../policies/kubernetes/images-pinned";
import { ingressLogin } from "../../../policies/kubernetes/ingress-login";
import { noHostNamespaces } from "../../../policies/kubernetes/no-host-namespaces";
import { noLiteralSecrets } from "../../../policies/kubernetes/no-literal-secrets";
import { noPrivilegeEscalation } from "../../../policies/kubernetes/no-privilege-escalation";
import { noPrivilegedContainers } from "../../../policies/kubernetes/no-privileged-containers";
import { noPublicServiceTypes } from "../../../policies/kubernetes/no-public-service-types";
import { pdbForReplicatedWorkloads } from "../../../policies/kubernetes/pdb-for-replicated-workloads";
import { probesOnLongRunningContainers } from "../../../policies/kubernetes/probes";
import { resourceRequestsAndLimits } from "../../../policies/kubernetes/resource-requests-and-limits";
import { runAsNonRoot } from "../../../policies/kubernetes/run-as-non-root";
import { mutate, resource } from "../fixtures";
import {
    allWorkloads, container, cronJob, daemonSet, deployment, job, pod, podLabels, podSpec, release, secureContext, statefulSet,
} from "./k8s-fixtures";
import { Fixture, one, PolicyCases, violation } from "./types";

const every = (title: string): Fixture[] => allWorkloads().map((w) => one(w, `${title} (${w.type})`));
const withContainer = (c: Parameters<typeof container>[0]) => deployment(podSpec({}, [container(c)]));

const service = (type: "ClusterIP" | "LoadBalancer" | "NodePort", name = "web") =>
    resource(k8s.core.v1.Service, {
        metadata: { name, namespace: "ml-tracking" },
        spec: { type, selector: podLabels, ports: [{ port: 80, targetPort: 8080 }] },
    }, { name });

const pdb = (budget: { maxUnavailable?: number | string; minAvailable?: number | string }, name = "app") =>
    resource(k8s.policy.v1.PodDisruptionBudget, {
        metadata: { name, namespace: "ml-tracking" },
        spec: { selector: { matchLabels: podLabels }, ...budget },
    }, { name: `${name}-pdb` });

const hpa = (minReplicas: number) =>
    resource(k8s.autoscaling.v2.HorizontalPodAutoscaler, {
        metadata: { name: "app", namespace: "ml-tracking" },
        spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "app" }, minReplicas, maxReplicas: 6 },
    }, { name: "app-hpa" });

/** A route as components/ingress writes it: its login annotation, and the Traefik middleware when one is named. */
const route = (login: string | undefined, middlewares?: string, name = "trino") =>
    resource(k8s.networking.v1.Ingress, {
        metadata: {
            name,
            namespace: "ml-lakehouse",
            annotations: { ...(login ? { "ml-platform/login": login } : {}), ...(middlewares ? { "traefik.ingress.kubernetes.io/router.middlewares": middlewares } : {}) },
        },
        spec: { ingressClassName: "ml-platform", rules: [{ host: `${name}.ml.acme.io`, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name, port: { number: 8080 } } } }] } }] },
    }, { name: `${name}-route` });

const configMap = (data: Record<string, string>) =>
    resource(k8s.core.v1.ConfigMap, { metadata: { name: "app-config", namespace: "ml-tracking" }, data }, { name: "app-config" });

export const kubernetesCases: PolicyCases[] = [
    {
        policy: noPrivilegedContainers,
        compliant: [...every("secure pod"), one(release({ securityContext: { privileged: false } }), "chart values with privileged: false")],
        violations: [
            violation("a privileged container", withContainer({ securityContext: { ...secureContext, privileged: true } }), /container "app" sets securityContext\.privileged: true/),
            violation("a privileged init container", deployment(podSpec({ initContainers: [container({ name: "init", securityContext: { ...secureContext, privileged: true } })] })), /init container "init"/),
            violation("privileged: true in chart values", release({ worker: { securityContext: { privileged: true } } }), /values\.worker\.securityContext\.privileged is true/),
        ],
    },
    {
        policy: noPrivilegeEscalation,
        compliant: [...every("secure pod"), one(release({ securityContext: { allowPrivilegeEscalation: false } }), "chart values")],
        violations: [
            violation("allowPrivilegeEscalation unset", withContainer({ securityContext: { capabilities: { drop: ["ALL"] } } }), /container "app" does not set securityContext\.allowPrivilegeEscalation: false/),
            violation("allowPrivilegeEscalation: true", cronJob(podSpec({}, [container({ securityContext: { ...secureContext, allowPrivilegeEscalation: true } })])), /CronJob ml-tracking\/compact/),
            violation("allowPrivilegeEscalation: true in chart values", release({ securityContexts: { container: { allowPrivilegeEscalation: true } } }), /values\.securityContexts\.container\.allowPrivilegeEscalation is true/),
        ],
    },
    {
        policy: noHostNamespaces,
        compliant: [
            ...every("no host namespaces"),
            { title: "an allow-listed node agent", resources: [daemonSet(podSpec({ hostNetwork: true }))], config: { allowed: ["ml-tracking/agent"] } },
        ],
        violations: [
            violation("hostNetwork", daemonSet(podSpec({ hostNetwork: true })), /DaemonSet ml-tracking\/agent: the pod spec sets hostNetwork: true/),
            violation("hostPID", pod(podSpec({ hostPID: true })), /hostPID: true/),
            violation("hostIPC", job(podSpec({ hostIPC: true, restartPolicy: "Never" })), /hostIPC: true/),
        ],
    },
    {
        policy: runAsNonRoot,
        compliant: [
            ...every("runAsNonRoot on the pod"),
            one(deployment(podSpec({ securityContext: {} }, [container({ securityContext: { ...secureContext, runAsNonRoot: true } })])), "runAsNonRoot on the container"),
            {
                title: "a root container listed as an exception (component label + container name)",
                resources: [deployment(podSpec({ securityContext: {} }))],
                config: { exceptions: [{ component: "tracking", container: "app", reason: "the upstream image chowns its data directory as root at start" }] },
            },
        ],
        violations: [
            violation("runAsNonRoot unset", deployment(podSpec({ securityContext: {} })), /container "app" does not set runAsNonRoot: true/),
            violation("container overrides runAsNonRoot: false", statefulSet(podSpec({}, [container({ securityContext: { ...secureContext, runAsNonRoot: false } })])), /StatefulSet ml-tracking\/db: container "app" does not set runAsNonRoot/),
            violation("runAsUser: 0", deployment(podSpec({}, [container({ securityContext: { ...secureContext, runAsUser: 0 } })])), /runAsUser: 0 \(root\)/),
            violation(
                "an exception for another component does not apply",
                deployment(podSpec({ securityContext: {} })),
                /does not set runAsNonRoot/,
                { exceptions: [{ component: "orchestrator", container: "app", reason: "the upstream image chowns its data directory as root at start" }] },
            ),
        ],
    },
    {
        policy: dropAllCapabilities,
        compliant: [
            ...every("drops ALL"),
            one(withContainer({ securityContext: { ...secureContext, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } } }), "adds back NET_BIND_SERVICE"),
        ],
        violations: [
            violation("capabilities not dropped", withContainer({ securityContext: { allowPrivilegeEscalation: false } }), /container "app" does not drop ALL capabilities/),
            violation("drops only some", withContainer({ securityContext: { ...secureContext, capabilities: { drop: ["NET_RAW"] } } }), /does not drop ALL/),
            violation("adds a capability beyond the allowed", withContainer({ securityContext: { ...secureContext, capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } } }), /adds capabilities SYS_ADMIN/),
        ],
    },
    {
        policy: resourceRequestsAndLimits,
        compliant: every("requests and limits"),
        violations: [
            violation("no resources at all", withContainer({ resources: undefined }), /no resources\.requests\.cpu, resources\.requests\.memory, resources\.limits\.cpu, resources\.limits\.memory/),
            violation("requests.cpu missing", withContainer({ resources: { requests: { memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } }), /no resources\.requests\.cpu\.$/),
            violation("requests.memory missing", withContainer({ resources: { requests: { cpu: "1" }, limits: { cpu: "1", memory: "1Gi" } } }), /no resources\.requests\.memory\.$/),
            violation("limits.cpu missing", withContainer({ resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } } }), /no resources\.limits\.cpu\.$/),
            violation("limits.memory missing", withContainer({ resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1" } } }), /no resources\.limits\.memory\.$/),
            violation("an init container without resources", deployment(podSpec({ initContainers: [container({ name: "init", resources: undefined })] })), /init container "init" has no resources/),
        ],
    },
    {
        policy: imagesPinned,
        compliant: [
            ...every("exact tags"),
            one(withContainer({ image: "registry.example.com/app@sha256:" + "a".repeat(64) }), "a digest"),
            one(withContainer({ image: "localhost:5000/app:2.0.1" }), "a registry with a port and a tag"),
            one(release({ image: { repository: "apache/airflow", tag: "3.0.2" }, defaultAirflowTag: "3.0.2" }), "chart values with an exact tag"),
            one(release({ image: { repository: "apache/airflow", tag: "" } }), "chart values leaving the tag to the pinned chart"),
            one(release({ kserve: { controller: { image: "kserve/kserve-controller", tag: "v0.15.2" } } }, "kserve"), "chart values with the tag beside the image (KServe)"),
        ],
        violations: [
            violation("the latest tag", withContainer({ image: "registry.example.com/app:latest" }), /uses the mutable tag "latest"/),
            violation("no tag", withContainer({ image: "busybox" }), /has no tag/),
            violation("no tag behind a registry port", withContainer({ image: "localhost:5000/app" }), /has no tag/),
            violation("an init container on latest", deployment(podSpec({ initContainers: [container({ name: "init", image: "alpine:latest" })] })), /init container "init" uses the mutable tag/),
            violation("tag latest in chart values", release({ images: { airflow: { repository: "apache/airflow", tag: "latest" } } }), /values\.images\.airflow\.tag is "latest"/),
            violation("an untagged image string in chart values", release({ sidecar: { image: "busybox" } }), /values\.sidecar\.image has no tag/),
            violation("imageTag latest beside an image", release({ kserve: { controller: { image: "kserve/kserve-controller", imageTag: "latest" } } }, "kserve"), /values\.kserve\.controller\.imageTag is "latest"/),
        ],
    },
    {
        policy: probesOnLongRunningContainers,
        compliant: [
            one(deployment(), "Deployment with both probes"),
            one(statefulSet(), "StatefulSet with both probes"),
            one(daemonSet(), "DaemonSet with both probes"),
            one(job(podSpec({ restartPolicy: "Never" }, [container({ readinessProbe: undefined, livenessProbe: undefined })])), "a Job needs none"),
            one(deployment(podSpec({ initContainers: [container({ name: "init", readinessProbe: undefined, livenessProbe: undefined })] })), "init containers need none"),
        ],
        violations: [
            violation("no readiness probe", withContainer({ readinessProbe: undefined }), /container "app" has no readinessProbe\.$/),
            violation("no liveness probe", statefulSet(podSpec({}, [container({ livenessProbe: undefined })])), /has no livenessProbe\.$/),
            violation("neither probe", daemonSet(podSpec({}, [container({ readinessProbe: undefined, livenessProbe: undefined })])), /has no readinessProbe and no livenessProbe/),
        ],
    },
    {
        policy: noPublicServiceTypes,
        compliant: [
            one(service("ClusterIP"), "ClusterIP"),
            { title: "an allow-listed LoadBalancer", resources: [service("LoadBalancer", "ingress-nginx-controller")], config: { allowed: ["ml-tracking/ingress-nginx-controller"] } },
            one(release({ controller: { service: { type: "ClusterIP" } } }, "ingress"), "chart values with a ClusterIP service"),
            { title: "an allow-listed release", resources: [release({ controller: { service: { type: "LoadBalancer" } } }, "ingress")], config: { allowed: ["ml-orchestrator/ingress"] } },
        ],
        violations: [
            violation("a LoadBalancer", service("LoadBalancer"), /Service ml-tracking\/web is of type LoadBalancer/),
            violation("a NodePort", service("NodePort"), /Service ml-tracking\/web is of type NodePort/),
            violation("a LoadBalancer in chart values", release({ controller: { service: { type: "LoadBalancer" } } }, "ingress"), /values\.controller\.service\.type is LoadBalancer/),
            violation("a NodePort in chart values", release({ webserver: { proxyService: { type: "NodePort" } } }), /values\.webserver\.proxyService\.type is NodePort/),
            violation("a LoadBalancer under service.spec (Traefik's layout)", release({ service: { spec: { type: "LoadBalancer" } } }, "traefik"), /values\.service\.spec\.type is LoadBalancer/),
            violation("a serviceType key", release({ ui: { serviceType: "NodePort" } }), /values\.ui\.serviceType is NodePort/),
            violation("an allow-list entry for another service", service("LoadBalancer"), /not in the allow-list/, { allowed: ["ml-tracking/other"] }),
        ],
    },
    {
        policy: pdbForReplicatedWorkloads,
        compliant: [
            { title: "maxUnavailable: 1", resources: [deployment(), pdb({ maxUnavailable: 1 })] },
            { title: "minAvailable below the replicas", resources: [statefulSet(), pdb({ minAvailable: 2 })] },
            { title: "maxUnavailable as a percentage", resources: [deployment(podSpec(), 4), pdb({ maxUnavailable: "25%" })] },
            { title: "a single replica needs no budget", resources: [deployment(podSpec(), 1)] },
            {
                title: "a budget selecting with matchExpressions",
                resources: [
                    deployment(),
                    mutate(pdb({ maxUnavailable: 1 }), (p) => {
                        p.spec!.selector = { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["app"] }] };
                    }),
                ],
            },
        ],
        violations: [
            violation("replicated without a budget", [deployment()], /Deployment ml-tracking\/app runs 2 replicas and no PodDisruptionBudget selects its pods/),
            violation("an HPA with minReplicas 2 and no budget", [deployment(podSpec(), 1), hpa(2)], /runs 2 replicas and no PodDisruptionBudget/),
            violation("a budget in another namespace", [deployment(), mutate(pdb({ maxUnavailable: 1 }), (p) => { p.metadata!.namespace = "other"; })], /no PodDisruptionBudget selects its pods/),
            violation("a budget selecting other pods", [deployment(), mutate(pdb({ maxUnavailable: 1 }), (p) => { p.spec!.selector = { matchLabels: { app: "other" } }; })], /no PodDisruptionBudget/),
            violation("maxUnavailable: 0", [deployment(), pdb({ maxUnavailable: 0 })], /allows 0 of the 2 pods .* blocks node drains/),
            violation("minAvailable equal to the replicas", [statefulSet(), pdb({ minAvailable: 3 })], /allows 0 of the 3 pods of StatefulSet ml-tracking\/db/),
            violation("minAvailable: 100%", [deployment(), pdb({ minAvailable: "100%" })], /allows 0 of the 2 pods/),
            violation("a budget with neither field (the API defaults minAvailable to 1) on one replica", [deployment(podSpec(), 1), pdb({})], /allows 0 of the 1 pods/),
        ],
    },
    {
        policy: noLiteralSecrets,
        compliant: [
            ...every("secret from secretKeyRef"),
            one(withContainer({ env: [{ name: "TOKENIZERS_PARALLELISM", value: "false" }, { name: "DB_PASSWORD_FILE", value: "/secrets/db" }, { name: "KEYCLOAK_REALM", value: "platform" }] }), "names that only look secret"),
            one(withContainer({ env: [{ name: "PGPASSWORD", value: "$(DB_PASSWORD)" }, { name: "API_TOKEN", value: "" }] }), "a variable reference and an empty value"),
            one(withContainer({ env: [{ name: "GOOGLE_APPLICATION_CREDENTIALS", value: "/var/run/secrets/gcp/key.json" }] }), "the path of a mounted secret file"),
            { title: "an allow-listed name", resources: [withContainer({ env: [{ name: "PARTITION_KEY", value: "user_id" }] })], config: { allowedNames: ["PARTITION_KEY"] } },
            one(configMap({ "trino.properties": "http-server.http.port=8080", "secret-name": "app-db" }), "a ConfigMap without secrets"),
            one(release({ existingSecret: "airflow-db", webserverSecretKeySecretName: "airflow-webserver", admin: { passwordKey: "admin-password", existingSecret: "grafana-admin" }, env: [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: "t", key: "token" } } }] }), "chart values that reference Secrets"),
        ],
        violations: [
            violation("a literal password in env", withContainer({ env: [{ name: "DB_PASSWORD", value: "hunter2" }] }), /container "app" sets env DB_PASSWORD to a literal value/),
            violation("a literal secret in env", job(podSpec({ restartPolicy: "Never" }, [container({ env: [{ name: "AIRFLOW__CORE__FERNET_KEY", value: "abc=" }] })])), /env AIRFLOW__CORE__FERNET_KEY/),
            violation("a literal token in env", withContainer({ env: [{ name: "HF_TOKEN", value: "hf_abc" }] }), /env HF_TOKEN/),
            violation("a literal key in env", withContainer({ env: [{ name: "MINIO_SECRET_KEY", value: "minio123" }] }), /env MINIO_SECRET_KEY/),
            violation("a compound password name in env", withContainer({ env: [{ name: "PGPASSWORD", value: "hunter2" }] }), /env PGPASSWORD/),
            violation("a secret in ConfigMap data", configMap({ "db-password": "hunter2" }), /ConfigMap ml-tracking\/app-config: data\.db-password holds a literal secret/),
            violation("a password key in chart values", release({ grafana: { adminPassword: "admin" } }), /values\.grafana\.adminPassword is a literal secret/),
            violation("a secret key in chart values", release({ webserverSecretKey: "s3cr3t" }), /values\.webserverSecretKey is a literal secret/),
            violation("an env list in chart values", release({ env: [{ name: "DB_PASSWORD", value: "hunter2" }] }), /values\.env\[0\] sets env DB_PASSWORD to a literal value/),
        ],
    },
    {
        policy: ingressLogin,
        compliant: [
            one(route("sso", "ml-lakehouse-trino-sso@kubernetescrd"), "forward-auth in front"),
            one(route("oidc", undefined, "grafana"), "a UI with its own OIDC client"),
            one(route("sign-in", undefined, "dex"), "the identity provider itself"),
            { title: "basic auth on the fallback", resources: [route("basic", "ml-lakehouse-trino-auth@kubernetescrd")], config: { requireSingleSignOn: false } },
            { title: "an allow-listed route without annotation", resources: [route(undefined)], config: { allowed: ["ml-lakehouse/trino"] } },
        ],
        violations: [
            violation("no login annotation", route(undefined), /Ingress ml-lakehouse\/trino: annotation ml-platform\/login is undefined; expected one of oidc, sso, sign-in, basic, own/),
            violation("sso without a middleware", route("sso"), /login "sso" but no traefik\.ingress\.kubernetes\.io\/router\.middlewares annotation/),
            violation("basic auth while single sign-on is required", route("basic", "ml-lakehouse-trino-auth@kubernetescrd"), /login "basic" while single sign-on is required/),
            violation("a UI's own login while single sign-on is required", route("own", undefined, "mlflow"), /Ingress ml-lakehouse\/mlflow: login "own" while single sign-on is required/),
            violation("basic without a middleware on the fallback", route("basic"), /login "basic" but no/, { requireSingleSignOn: false }),
        ],
    },
];
