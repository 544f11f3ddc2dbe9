import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { Cluster, clusterIdentifier, GkeClusterArgs } from "../../components";
import { gkeNodePools, gkeNodeServiceAccountRoles } from "../../components/cluster/gke";
import { runProgram, unwrap } from "../harness";
import { exampleGke } from "../clusters";

const args: GkeClusterArgs = {
    ...exampleGke,
    spotPool: { machineType: "n2-standard-8", minNodes: 0, maxNodes: 5 },
    gpuPool: { machineType: "g2-standard-8", minNodes: 0, maxNodes: 2, acceleratorType: "nvidia-l4" },
};

describe("gke: Cluster component under mocks", async () => {
    const run = await runProgram(() => new Cluster("prod", args));
    const cluster = run.one("gcp:container/cluster:Cluster").inputs;

    it("is private, VPC-native and regional, with client certificates and legacy ABAC off", () => {
        assert.equal(cluster.location, "europe-west1");
        assert.equal(cluster.networkingMode, "VPC_NATIVE");
        assert.deepEqual(cluster.ipAllocationPolicy, { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" });
        assert.equal(cluster.privateClusterConfig.enablePrivateNodes, true);
        assert.equal(cluster.privateClusterConfig.masterIpv4CidrBlock, "172.16.0.0/28");
        assert.deepEqual(cluster.masterAuthorizedNetworksConfig.cidrBlocks, [{ cidrBlock: "198.51.100.0/24", displayName: "office" }]);
        assert.equal(cluster.masterAuth.clientCertificateConfig.issueClientCertificate, false);
        assert.equal(cluster.enableLegacyAbac, false);
    });

    it("has workload identity, shielded nodes, Dataplane V2, a release channel and deletion protection", () => {
        assert.deepEqual(cluster.workloadIdentityConfig, { workloadPool: "acme-ml-prod.svc.id.goog" });
        assert.equal(cluster.enableShieldedNodes, true);
        assert.equal(cluster.datapathProvider, "ADVANCED_DATAPATH");
        assert.deepEqual(cluster.releaseChannel, { channel: "REGULAR" });
        assert.equal(cluster.deletionProtection, true);
    });

    it("removes the default node pool", () => {
        assert.equal(cluster.removeDefaultNodePool, true);
    });

    it("gets its own VPC and subnet with secondary ranges, and Cloud NAT for the private nodes", () => {
        const net = run.one("gcp:compute/network:Network").inputs;
        assert.equal(net.autoCreateSubnetworks, false);
        const subnet = run.one("gcp:compute/subnetwork:Subnetwork").inputs;
        assert.equal(subnet.ipCidrRange, "10.10.0.0/20");
        assert.equal(subnet.privateIpGoogleAccess, true);
        assert.deepEqual(subnet.secondaryIpRanges, [
            { rangeName: "pods", ipCidrRange: "10.20.0.0/14" },
            { rangeName: "services", ipCidrRange: "10.24.0.0/20" },
        ]);
        assert.equal(run.byType("gcp:compute/routerNat:RouterNat").length, 1);
    });

    it("runs nodes as a dedicated service account with only the node roles", () => {
        const sa = run.one("gcp:serviceaccount/account:Account").inputs;
        const email = `${sa.accountId}@acme-ml-prod.iam.gserviceaccount.com`;
        const roles = run.byType("gcp:projects/iAMMember:IAMMember").map((m) => [m.inputs.role, m.inputs.member]);
        assert.deepEqual(roles, gkeNodeServiceAccountRoles.map((r) => [r, `serviceAccount:${email}`]));
        for (const pool of run.byType("gcp:container/nodePool:NodePool")) assert.equal(pool.inputs.nodeConfig.serviceAccount, email);
    });

    it("autoscales every pool within its bounds, with hardened nodes", () => {
        const pools = Object.fromEntries(run.byType("gcp:container/nodePool:NodePool").map((p) => [p.inputs.name, p.inputs]));
        assert.deepEqual(Object.keys(pools), ["system", "workload", "spot", "gpu"]);
        assert.deepEqual(pools.workload.autoscaling, { minNodeCount: 1, maxNodeCount: 10 });
        assert.deepEqual(pools.system.autoscaling, { minNodeCount: 1, maxNodeCount: 3 });
        for (const p of Object.values<any>(pools)) {
            assert.deepEqual(p.management, { autoRepair: true, autoUpgrade: true });
            assert.equal(p.nodeConfig.workloadMetadataConfig.mode, "GKE_METADATA");
            assert.deepEqual(p.nodeConfig.shieldedInstanceConfig, { enableSecureBoot: true, enableIntegrityMonitoring: true });
            assert.equal(p.nodeConfig.imageType, "COS_CONTAINERD");
        }
        assert.equal(pools.spot.nodeConfig.spot, true);
        assert.deepEqual(pools.gpu.nodeConfig.taints, [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }]);
        assert.equal(pools.gpu.nodeConfig.guestAccelerators[0].type, "nvidia-l4");
    });

    it("outputs a secret kubeconfig that authenticates with gke-gcloud-auth-plugin, never a static credential", async () => {
        const c = run.result;
        assert.equal(await pulumi.isSecret(c.kubeconfig), true);
        const kc = JSON.parse(await unwrap(c.kubeconfig));
        assert.equal(kc.clusters[0].cluster.server, "https://203.0.113.10");
        assert.equal(kc.users[0].user.exec.command, "gke-gcloud-auth-plugin");
        assert.equal(kc.users[0].user.token, undefined);
        assert.equal(kc.users[0].user["client-key-data"], undefined);
    });

    it("exposes what later GCP components need", async () => {
        const gcp = run.result.gcp!;
        assert.equal(gcp.workloadIdentityPool, "acme-ml-prod.svc.id.goog");
        assert.match(await unwrap(gcp.network), /projects\/acme-ml-prod\/global\/networks\/mlp-prod-vpc$/);
    });
});

describe("gke: node pools and provider identity", () => {
    it("spot and GPU pools exist only when configured", () => {
        const { spotPool: _s, gpuPool: _g, ...base } = args;
        assert.deepEqual(gkeNodePools(base).map((p) => p.suffix), ["system", "workload"]);
    });

    it("resizing or adding pools keeps the provider identity, so no Kubernetes object is replaced", () => {
        const resized: GkeClusterArgs = { ...args, workloadPool: { ...args.workloadPool, maxNodes: 50 }, spotPool: undefined };
        assert.equal(clusterIdentifier(resized), clusterIdentifier(args));
        assert.equal(clusterIdentifier(args), "gke/acme-ml-prod/europe-west1/mlp-prod");
    });
});
