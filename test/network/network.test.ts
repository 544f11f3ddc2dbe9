import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { networkPolicies } from "../../components/network";

describe("network policies", () => {
    const policies = networkPolicies(
        ["ml-ingress", "ml-airflow", "ml-postgres"],
        [
            { from: "ml-ingress", to: "ml-airflow", ports: [8080], why: "ingress to the Airflow UI" },
            { from: "ml-airflow", to: "ml-postgres", ports: [5432], why: "Airflow metadata database" },
            { from: "ml-airflow", to: { cidr: "0.0.0.0/0" }, ports: [443], why: "git-sync pulls DAGs" },
        ],
    );
    const named = (ns: string, prefix: string) => policies.filter((p) => p.metadata.namespace === ns && p.metadata.name.startsWith(prefix));

    it("denies everything by default in every namespace, allowing only DNS and same-namespace traffic", () => {
        for (const ns of ["ml-ingress", "ml-airflow", "ml-postgres"]) {
            assert.deepEqual(named(ns, "default-deny")[0].spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
            assert.equal(named(ns, "allow-dns").length, 1);
        }
    });

    it("turns a flow into egress at the source and ingress at the destination, on its ports only", () => {
        const egress: any = named("ml-airflow", "egress-ml-postgres")[0].spec;
        assert.deepEqual(egress.egress, [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ml-postgres" } } }], ports: [{ protocol: "TCP", port: 5432 }] }]);
        const ingress: any = named("ml-postgres", "ingress-from-ml-airflow")[0].spec;
        assert.deepEqual(ingress.ingress[0].ports, [{ protocol: "TCP", port: 5432 }]);
        assert.equal(named("ml-airflow", "egress-cidr-0-0-0-0-0")[0].metadata.annotations!["ml-platform/why"], "git-sync pulls DAGs");
    });

    it("writes a cluster entity as a ports-only rule on the pods the flow names", () => {
        const [p] = networkPolicies(["kserve"], [{ from: { entity: "api-server" }, to: "kserve", ports: [9443], why: "API server calls the KServe webhook", toPods: { app: "kserve" } }]).filter((x) => x.metadata.name.startsWith("ingress-"));
        assert.equal(p.metadata.name, "ingress-from-api-server-9443");
        assert.deepEqual(p.spec.podSelector, { matchLabels: { app: "kserve" } });
        assert.deepEqual((p.spec as any).ingress, [{ ports: [{ protocol: "TCP", port: 9443 }] }]);
    });

    it("rejects a flow to a namespace the platform does not have", () => {
        assert.throws(() => networkPolicies(["a"], [{ from: "a", to: "b", ports: [1], why: "typo" }]), /destination namespace b is not a platform namespace/);
    });

    it("writes pods of an unmanaged namespace (an ingress controller already installed) only at the platform's end", () => {
        const traefik = { unmanagedNamespace: "traefik", pods: { "app.kubernetes.io/name": "traefik" } };
        const byo = networkPolicies(["ml-tracking"], [{ from: traefik, to: "ml-tracking", ports: [5000], why: "users reach mlflow" }]);
        assert.deepEqual(byo.filter((p) => p.metadata.namespace === "traefik"), [], "nothing in the namespace the platform does not own");
        const ingress: any = byo.find((p) => p.metadata.name === "ingress-from-traefik-5000")!.spec;
        assert.deepEqual(ingress.ingress[0].from, [
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "traefik" } } },
        ]);
        assert.throws(
            () => networkPolicies(["a"], [{ from: traefik, to: { cidr: "0.0.0.0/0" }, ports: [1], why: "no platform end" }]),
            /one end must be a platform namespace/,
        );
    });
});
