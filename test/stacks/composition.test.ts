import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { budgetRows, DEV_CPU_BUDGET } from "../../stacks/budget";
import { footprint } from "../../stacks/footprint";
import { constructStack, Registration, unwrap } from "../harness";

const namespacesOf = (resources: Registration[]) => resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => r.inputs.metadata.name as string);
const policiesIn = (resources: Registration[], ns: string) =>
    resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.inputs.metadata.namespace === ns);

// Pulumi's mock runtime is global: build the stacks one after another, then test them.
describe("composition", async () => {
    const runs: Record<string, Awaited<ReturnType<typeof constructStack>>> = {};
    for (const stack of ["dev", "prod", "prod-aks"]) runs[stack] = await constructStack(stack);
    const run = runs.dev;
    const report = footprint(run.resources);

describe("dev", () => {
    it(`requests at most ${DEV_CPU_BUDGET} vCPU, and per line of the dev memory budget (stacks/budget.ts), every component on`, () => {
        for (const c of ["storage", "postgres", "lakehouse", "streaming", "orchestrator", "tracking", "serving", "monitoring", "ingress", "certmanager", "compute", "featurestore", "notebooks", "identity", "feedback"]) {
            assert.ok(report.byComponent[c], `${c} has no workload in the dev footprint`);
        }
        assert.ok(report.total.requests.cpu <= DEV_CPU_BUDGET, `dev requests ${report.total.requests.cpu} vCPU`);
        const { rows, uncovered } = budgetRows(report);
        assert.deepEqual(uncovered, [], "components with no line in the dev budget");
        for (const r of rows) {
            assert.ok(r.requestedMiB <= r.memoryMiB, `${r.components.join(", ")} request ${r.requestedMiB.toFixed(1)} MiB, over their ${r.memoryMiB} MiB (${r.why})`);
        }
    });

    it("every workload, in every stack, requests CPU and memory", () => {
        for (const stack of ["dev", "prod", "prod-aks"]) {
            const missing = footprint(runs[stack].resources).workloads.filter((w) => w.missingRequests.length > 0);
            assert.deepEqual(missing.map((w) => `${w.component}/${w.workload}: ${w.missingRequests.join(", ")}`), [], stack);
        }
    });

    it("serves every UI at a loopback hostname, each behind a login", async () => {
        const platform = run.result;
        const external = Object.fromEntries(Object.entries(platform.endpoints).filter(([, e]) => e.external).map(([k, e]) => [k, e.external]));
        assert.deepEqual(external, {
            minio: "http://minio.localtest.me",
            trino: "http://trino.localtest.me",
            kafka: external.kafka,
            mlflow: "http://mlflow.localtest.me",
            airflow: "http://airflow.localtest.me",
            grafana: "http://grafana.localtest.me",
            prometheus: "http://prometheus.localtest.me",
            feast: "http://feast.localtest.me",
            notebooks: "http://notebooks.localtest.me",
            sso: external.sso,
        });
        assert.equal(await unwrap(external.sso!), "http://dex.localtest.me");
        assert.equal(await unwrap(external.kafka!), "127.0.0.1:30094");
        // Single sign-on: Dex's admin, Grafana's break-glass admin, and the own logins behind oauth2-proxy (test/stacks/sso.test.ts).
        assert.deepEqual(Object.keys(platform.credentials).sort(), ["grafana", "minio", "mlflow", "sso"]);
        for (const c of Object.values(platform.credentials)) assert.equal(await pulumi.isSecret(c.password), true);
        // The MinIO console takes the root login: the same values as the minio-root Secret the server reads.
        const root = run.one("kubernetes:core/v1:Secret", "storage-root").inputs.stringData;
        assert.deepEqual(
            { username: await unwrap(platform.credentials.minio.username), password: await unwrap(platform.credentials.minio.password) },
            { username: root["root-user"], password: root["root-password"] },
        );
        assert.equal(await pulumi.isSecret(pulumi.output(platform.credentials.minio.username)), true);
    });

    it("maps the Kafka NodePorts and the Connect registry into the kind nodes", () => {
        const cmd = run.one("command:local:Command");
        const config = JSON.parse(cmd.inputs.environment.KIND_CONFIG);
        assert.deepEqual(config.nodes[0].extraPortMappings.map((m: any) => m.hostPort), [80, 443, 30094, 30095]);
        assert.equal(config.nodes[0].extraMounts[0].containerPath, "/etc/containerd/certs.d");
        assert.match(cmd.inputs.environment.KIND_PREPARE, /connect-registry\.ml-streaming\.svc\.cluster\.local:5000\/hosts\.toml/);
    });
});

for (const stack of ["dev", "prod", "prod-aks"]) {
    describe(stack, () => {
        const run = runs[stack];

        it("locks every platform namespace down by default, DNS allowed", () => {
            const namespaces = namespacesOf(run.resources).filter((ns) => !ns.endsWith("-node"));
            assert.ok(namespaces.length >= 8, namespaces.join(", "));
            for (const ns of namespaces) {
                const names = policiesIn(run.resources, ns).map((p) => p.inputs.metadata.name);
                assert.ok(names.includes("default-deny") && names.includes("allow-dns"), `${ns} has ${names.join(", ")}`);
            }
        });

        it("lets the ingress reach each UI namespace, and ACME's HTTP-01 solver there in prod", () => {
            for (const ns of ["ml-lakehouse", "ml-tracking", "ml-orchestrator", "ml-monitoring"]) {
                const fromIngress = policiesIn(run.resources, ns).filter((p) => p.inputs.metadata.name.startsWith("ingress-from-ml-ingress"));
                const ports = fromIngress.flatMap((p) => p.inputs.spec.ingress[0].ports.map((x: any) => x.port));
                assert.ok(ports.length > 0, ns);
                assert.equal(ports.includes(8089), stack !== "dev", `${ns}: ${ports}`);
            }
        });

        it("routes every UI over the ingress class, HTTPS with a certificate in prod, oauth2-proxy's forward-auth where the UI has no login", () => {
            const routes = run.byType("kubernetes:networking.k8s.io/v1:Ingress");
            assert.ok(routes.length >= 5);
            for (const r of routes) {
                assert.equal(r.inputs.spec.ingressClassName, "ml-platform");
                if (stack !== "dev") {
                    assert.equal(r.inputs.metadata.annotations["cert-manager.io/cluster-issuer"], "ml-platform", r.name);
                    assert.deepEqual(r.inputs.spec.tls[0].hosts, [r.inputs.spec.rules[0].host]);
                }
            }
            for (const ui of ["trino", "prometheus"]) {
                const route = routes.find((r) => r.inputs.metadata.name === ui)!;
                assert.match(route.inputs.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"], new RegExp(`-${ui}-sso@kubernetescrd$`));
            }
        });
    });
}
});
