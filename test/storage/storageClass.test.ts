import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RetainStorageClass } from "../../components";
import { retainStorageClassSpec } from "../../components/storage/storageClass";
import { kubernetesResourcesWithoutProvider, runProgram, unwrap } from "../harness";
import { newProvider } from "./fixtures";

describe("RetainStorageClass under mocks", async () => {
    const run = await runProgram(async () => {
        const provider = newProvider();
        const gke = new RetainStorageClass("gke", { provider: "gke" }, { providers: [provider] });
        const aks = new RetainStorageClass("aks", { provider: "aks", name: "data" }, { providers: [provider] });
        const kind = new RetainStorageClass("kind", { provider: "kind" }, { providers: [provider] });
        return {
            providerUrn: await unwrap(provider.urn),
            names: { gke: await unwrap(gke.storageClassName), aks: await unwrap(aks.storageClassName), kind: await unwrap(kind.storageClassName) },
        };
    });
    const classes = Object.fromEntries<any>(run.byType("kubernetes:storage.k8s.io/v1:StorageClass").map((c) => [c.name, c.inputs]));

    it("prod classes retain the disk when a PVC is deleted, bind in the pod's zone and can grow", () => {
        for (const c of Object.values<any>(classes)) {
            assert.equal(c.reclaimPolicy, "Retain");
            assert.equal(c.volumeBindingMode, "WaitForFirstConsumer");
            assert.equal(c.allowVolumeExpansion, true);
        }
    });

    it("GKE uses the PD CSI driver with regional (zone-replicated) balanced disks", () => {
        assert.equal(classes["gke-class"].provisioner, "pd.csi.storage.gke.io");
        assert.deepEqual(classes["gke-class"].parameters, { type: "pd-balanced", "replication-type": "regional-pd" });
        assert.equal(run.result.names.gke, "ml-retain");
    });

    it("AKS uses the Azure Disk CSI driver with zone-redundant premium disks", () => {
        assert.equal(classes["aks-class"].provisioner, "disk.csi.azure.com");
        assert.deepEqual(classes["aks-class"].parameters, { skuName: "Premium_ZRS" });
        assert.equal(run.result.names.aks, "data");
    });

    it("kind creates no class and keeps its default `standard`", () => {
        assert.equal(classes["kind-class"], undefined);
        assert.equal(run.result.names.kind, "standard");
    });

    it("goes through the explicit provider", () => {
        assert.deepEqual(kubernetesResourcesWithoutProvider(run.resources, run.result.providerUrn), []);
    });

    it("zone redundancy can be turned off", () => {
        assert.deepEqual(retainStorageClassSpec("gke", false)?.parameters, { type: "pd-balanced" });
        assert.deepEqual(retainStorageClassSpec("aks", false)?.parameters, { skuName: "Premium_LRS" });
    });
});
