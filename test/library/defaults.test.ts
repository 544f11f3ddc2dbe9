import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Cluster, clusterDefaults } from "../../components";
import { environmentDefaults } from "../../stacks/defaults";
import { runProgram } from "../harness";

describe("library: cloud cluster defaults ship with the package", () => {
    it("a GKE and an AKS cluster build from the shipped defaults plus what only the user knows", async () => {
        const gke = await runProgram(() => new Cluster("gke", { provider: "gke", name: "ml", project: "acme-ml", region: "europe-west1", ...clusterDefaults.prod.gke }));
        const nodePools = gke.byType("gcp:container/nodePool:NodePool").map((p) => p.inputs.nodeConfig.machineType);
        assert.deepEqual(nodePools.sort(), ["e2-standard-4", "n2-standard-8"]);
        const aks = await runProgram(() => new Cluster("aks", { provider: "aks", name: "ml", location: "westeurope", adminGroupObjectIds: ["00000000-0000-0000-0000-000000000001"], authorizedIpRanges: ["198.51.100.0/24"], ...clusterDefaults.prod.aks }));
        assert.equal(aks.one("azure-native:containerservice:ManagedCluster").inputs.sku.tier, "Standard");
    });

    it("are the very defaults the stacks start from", () => {
        for (const env of ["dev", "prod"] as const) assert.equal(environmentDefaults[env].cluster, clusterDefaults[env]);
    });
});
