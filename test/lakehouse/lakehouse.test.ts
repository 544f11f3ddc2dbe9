import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { Lakehouse, LakehouseArgs } from "../../components/lakehouse";
import { cpuMillis, jvmHeapMiB, memoryMiB } from "../../components/lakehouse/sizing";
import { kubernetesResourcesWithoutProvider, Registration, runProgram, unwrap } from "../harness";
import { FAKE_S3_ENDPOINT, FAKE_SECRETS, fakeObjectStore, fakePostgres, LAYOUTS } from "./fakes";

type Layout = (typeof LAYOUTS)[number];

async function deploy(layout: Layout, extra: Partial<LakehouseArgs> = {}) {
    const store = fakeObjectStore(layout.store);
    const postgres = fakePostgres(layout.postgres);
    const run = await runProgram(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        const lakehouse = new Lakehouse("lakehouse", { environment: layout.environment, objectStore: store, postgres, ...extra }, { providers: [provider] });
        return { lakehouse };
    });
    const providerUrn = run.one("pulumi:providers:kubernetes").urn;
    return { ...run, store, postgres, providerUrn, lakehouse: run.result.lakehouse };
}

/** Every pod spec the component defines itself (Deployments and Jobs). */
function podSpecs(resources: Registration[]): { owner: string; spec: any }[] {
    return resources
        .filter((r) => r.type === "kubernetes:apps/v1:Deployment" || r.type === "kubernetes:batch/v1:Job")
        .map((r) => ({ owner: r.name, spec: r.inputs.spec.template.spec }));
}

function allContainers(resources: Registration[]): { owner: string; c: any }[] {
    return podSpecs(resources).flatMap(({ owner, spec }) => [...(spec.initContainers ?? []), ...spec.containers].map((c: any) => ({ owner, c })));
}

const metastoreDeployment = (r: { one: (t: string, n?: string) => Registration }) => r.one("kubernetes:apps/v1:Deployment", "lakehouse-metastore");
const schemaJob = (r: { one: (t: string, n?: string) => Registration }) => r.one("kubernetes:batch/v1:Job", "lakehouse-metastore-schema");
const releaseValues = (r: { one: (t: string, n?: string) => Registration }) => r.one("kubernetes:helm.sh/v3:Release", "lakehouse-trino").inputs.values;

for (const layout of LAYOUTS) {
    describe(`lakehouse on ${layout.label}`, () => {
        it("creates every Kubernetes object through the explicit provider", async () => {
            const r = await deploy(layout);
            assert.ok(r.resources.filter((x) => x.type.startsWith("kubernetes:")).length >= 8);
            assert.deepEqual(kubernetesResourcesWithoutProvider(r.resources, r.providerUrn).map((x) => `${x.type} ${x.name}`), []);
        });

        it("gives the metastore its own database and reads its credentials from that database's Secret", async () => {
            const r = await deploy(layout);
            assert.equal(r.postgres.databases.length, 1);
            const [db] = r.postgres.databases;
            assert.equal(db.request.database, "metastore");
            assert.equal(await unwrap(db.request.namespace.created), "ml-lakehouse");
            assert.equal(db.request.namespace.name, "ml-lakehouse");
            for (const owner of [metastoreDeployment(r), schemaJob(r)]) {
                const main = owner.inputs.spec.template.spec.containers[0];
                const refs = Object.fromEntries(
                    main.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => [e.name, e.valueFrom.secretKeyRef]),
                );
                assert.deepEqual(refs, {
                    METASTORE_DB_URL: { name: db.secretName, key: "jdbc-url" },
                    METASTORE_DB_USER: { name: db.secretName, key: "username" },
                    METASTORE_DB_PASSWORD: { name: db.secretName, key: "password" },
                });
            }
        });

        it("keeps every secret out of ConfigMaps, chart values, container args and env literals", async () => {
            const r = await deploy(layout);
            const secrets = Object.values(FAKE_SECRETS);
            // The fakes really created them, so their absence elsewhere means something.
            const secretObjects = JSON.stringify(r.byType("kubernetes:core/v1:Secret").map((s) => s.inputs));
            assert.ok(secrets.some((s) => secretObjects.includes(s)));
            const exposed = [
                ...r.byType("kubernetes:core/v1:ConfigMap").map((x) => ["ConfigMap", x.inputs]),
                ["Release values", releaseValues(r)],
                ...allContainers(r.resources).map(({ owner, c }) => [owner, { command: c.command, args: c.args, env: c.env }]),
            ] as const;
            for (const [where, content] of exposed) {
                const text = JSON.stringify(content);
                for (const s of secrets) assert.equal(text.includes(s), false, `${where} contains a secret value`);
                assert.doesNotMatch(text, /ConnectionPassword<\/name>\s*<value>(?!\$\{env\.)/);
            }
            for (const { owner, c } of allContainers(r.resources)) {
                for (const e of c.env ?? []) {
                    if (/PASSWORD|SECRET|ACCESS_KEY/.test(e.name)) assert.ok(e.valueFrom?.secretKeyRef, `${owner}/${c.name}: ${e.name} must come from a Secret`);
                }
            }
        });

        it("sets requests, limits and the restricted security settings on every container it defines", async () => {
            const r = await deploy(layout);
            for (const { spec, owner } of podSpecs(r.resources)) {
                assert.equal(spec.securityContext.runAsNonRoot, true, owner);
                assert.deepEqual(spec.securityContext.seccompProfile, { type: "RuntimeDefault" }, owner);
                assert.equal(spec.automountServiceAccountToken, false, owner);
            }
            for (const { owner, c } of allContainers(r.resources)) {
                const where = `${owner}/${c.name}`;
                for (const k of ["cpu", "memory"]) {
                    assert.ok(c.resources.requests[k], `${where}: requests.${k}`);
                    assert.ok(c.resources.limits[k], `${where}: limits.${k}`);
                }
                assert.equal(c.securityContext.allowPrivilegeEscalation, false, where);
                assert.equal(c.securityContext.readOnlyRootFilesystem, true, where);
                assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] }, where);
            }
            const ns = r.one("kubernetes:core/v1:Namespace");
            assert.equal(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        });

        it("runs schematool -initOrUpgradeSchema in a Job the servers wait for, and starts the servers with IS_RESUME", async () => {
            const r = await deploy(layout);
            const job = schemaJob(r);
            assert.equal(job.inputs.metadata.name, undefined, "auto-named, so a changed pod template re-runs it");
            assert.deepEqual(job.inputs.spec.template.spec.containers[0].command, ["/opt/hive/bin/schematool", "-dbType", "postgres", "-initOrUpgradeSchema"]);
            const deployment = metastoreDeployment(r);
            assert.ok(deployment.dependencies.includes(job.urn));
            const env = Object.fromEntries(deployment.inputs.spec.template.spec.containers[0].env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));
            assert.equal(env.SERVICE_NAME, "metastore");
            assert.equal(env.IS_RESUME, "true");
            assert.equal(env.DB_DRIVER, "postgres");
            assert.equal(env.HIVE_AUX_JARS_PATH, "/opt/hive/aux-jars");
            const heap = jvmHeapMiB(deployment.inputs.spec.template.spec.containers[0].resources.limits.memory);
            assert.equal(
                env.SERVICE_OPTS,
                `-Xmx${heap}m -XX:+ExitOnOutOfMemoryError -javaagent:/opt/hive/aux-jars/jmx_prometheus_javaagent-1.0.1.jar=9404:/opt/hive/conf/jmx-exporter.yaml`,
            );
            const jobEnv = job.inputs.spec.template.spec.containers[0].env;
            assert.equal(JSON.stringify(jobEnv).includes("-javaagent"), false, "the schema Job's JVM runs no exporter");
            assert.equal(deployment.inputs.spec.template.spec.containers[0].image, "docker.io/apache/hive:4.1.0");
        });

        it("fetches checksum-pinned jars in an init container into the aux-jar directory", async () => {
            const r = await deploy(layout);
            const spec = metastoreDeployment(r).inputs.spec.template.spec;
            const [init] = spec.initContainers;
            assert.equal(init.image, "docker.io/curlimages/curl:8.16.0");
            const env = Object.fromEntries(init.env.map((e: any) => [e.name, e.value]));
            const lines = env.JARS.split("\n");
            assert.equal(lines.length, layout.store === "gcs" ? 3 : 2);
            assert.ok(
                lines.includes(
                    "jmx_prometheus_javaagent-1.0.1.jar 7d61f737fd661610ccc14aea79764faa1ea94a340cbc8f0029b3d2edea3d80c1 " +
                        "https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar",
                ),
                "the exporter agent is fetched and checksum-verified like the other jars",
            );
            for (const line of lines) assert.match(line, /^\S+\.jar [0-9a-f]{64} https:\/\/repo1\.maven\.org\/maven2\/\S+\.jar$/);
            const jobInit = schemaJob(r).inputs.spec.template.spec.initContainers[0];
            const jobJars = jobInit.env.find((e: any) => e.name === "JARS").value;
            assert.match(jobJars, /^postgresql-42\.7\.14\.jar [0-9a-f]{64} \S+$/, "schematool needs the JDBC driver only");
            const auxMount = spec.containers[0].volumeMounts.find((m: any) => m.name === "aux-jars");
            assert.deepEqual(auxMount, { name: "aux-jars", mountPath: "/opt/hive/aux-jars", readOnly: true });
            const tools = spec.containers[0].env.find((e: any) => e.name === "HADOOP_OPTIONAL_TOOLS")?.value;
            assert.equal(tools, { minio: "hadoop-aws", gcs: undefined, adls: "hadoop-azure" }[layout.store]);
        });

        it("serves Thrift on a ClusterIP Service only, and mounts the site file from a ConfigMap", async () => {
            const r = await deploy(layout);
            const svc = r.one("kubernetes:core/v1:Service");
            assert.equal(svc.inputs.spec.type, "ClusterIP");
            assert.deepEqual(svc.inputs.spec.ports, [{ name: "thrift", port: 9083, targetPort: "thrift", protocol: "TCP" }]);
            const cm = r.one("kubernetes:core/v1:ConfigMap");
            assert.deepEqual(Object.keys(cm.inputs.data), ["hive-site.xml", "jmx-exporter.yaml"]);
            assert.match(cm.inputs.data["hive-site.xml"], /<name>javax\.jdo\.option\.ConnectionPassword<\/name>\n {4}<value>\$\{env\.METASTORE_DB_PASSWORD\}<\/value>/);
            const warehouse = { minio: "s3://silver/warehouse/", gcs: "gs://mlp-test-silver/warehouse/", adls: "abfss://mlp-test-silver@mlpprodlake.dfs.core.windows.net/warehouse/" }[layout.store];
            assert.match(cm.inputs.data["hive-site.xml"], new RegExp(`<value>${warehouse.replace(/[.]/g, "\\.")}</value>`));
        });

        it("exposes Prometheus metrics on a container port named `metrics` (9404) of pods Monitoring's PodMonitor selects", async () => {
            const r = await deploy(layout);
            const deployment = metastoreDeployment(r);
            const pod = deployment.inputs.spec.template;
            const [main] = pod.spec.containers;
            assert.deepEqual(main.ports, [
                { name: "thrift", containerPort: 9083, protocol: "TCP" },
                { name: "metrics", containerPort: 9404, protocol: "TCP" },
            ]);
            // Monitoring's default hive-metastore target selects on this label and scrapes port `metrics`.
            assert.equal(pod.metadata.labels["app.kubernetes.io/name"], "hive-metastore");
            assert.deepEqual(
                main.volumeMounts.find((m: any) => m.subPath === "jmx-exporter.yaml"),
                { name: "config", mountPath: "/opt/hive/conf/jmx-exporter.yaml", subPath: "jmx-exporter.yaml", readOnly: true },
            );
            const cm = r.one("kubernetes:core/v1:ConfigMap");
            assert.match(cm.inputs.data["jmx-exporter.yaml"], /includeObjectNames: \["metrics:\*"\]/);
            assert.match(cm.inputs.data["hive-site.xml"], /<name>metastore\.metrics\.enabled<\/name>\n {4}<value>true<\/value>/);
            // The Service stays Thrift-only: metrics are scraped per pod.
            assert.deepEqual(r.one("kubernetes:core/v1:Service").inputs.spec.ports.map((p: any) => p.name), ["thrift"]);
        });

        it("grants the metastore and Trino ServiceAccounts read-write access to exactly the three zones", async () => {
            const r = await deploy(layout);
            assert.deepEqual(
                r.store.grants.map((g) => [g.grant.serviceAccountName, [...g.grant.buckets], g.grant.access]),
                [
                    ["hive-metastore", ["bronze", "silver", "gold"], "readwrite"],
                    ["trino", ["bronze", "silver", "gold"], "readwrite"],
                ],
            );
            const sa = r.one("kubernetes:core/v1:ServiceAccount");
            assert.equal(sa.inputs.metadata.name, "hive-metastore");
            const values = releaseValues(r);
            assert.equal(values.serviceAccount.name, "trino");
            if (layout.store === "adls") {
                assert.equal(metastoreDeployment(r).inputs.spec.template.metadata.labels["azure.workload.identity/use"], "true");
                assert.equal(values.worker.labels["azure.workload.identity/use"], "true");
            }
            if (layout.store === "gcs") assert.match(values.serviceAccount.annotations["iam.gke.io/gcp-service-account"], /^trino@/);
        });

        it("exports internal endpoints, the metastore URI and one URI per zone", async () => {
            const r = await deploy(layout);
            const lh = r.lakehouse;
            assert.equal(await unwrap(lh.trinoUrl), "http://trino.ml-lakehouse.svc.cluster.local:8080");
            assert.equal(await unwrap(lh.trinoJdbcUrl), "jdbc:trino://trino.ml-lakehouse.svc.cluster.local:8080/lakehouse");
            assert.equal(await unwrap(lh.metastoreUri), "thrift://hive-metastore.ml-lakehouse.svc.cluster.local:9083");
            const zones = { bronze: await unwrap(lh.zoneUris.bronze), silver: await unwrap(lh.zoneUris.silver), gold: await unwrap(lh.zoneUris.gold) };
            const expected = {
                minio: { bronze: "s3://bronze/", silver: "s3://silver/", gold: "s3://gold/" },
                gcs: { bronze: "gs://mlp-test-bronze/", silver: "gs://mlp-test-silver/", gold: "gs://mlp-test-gold/" },
                adls: {
                    bronze: "abfss://mlp-test-bronze@mlpprodlake.dfs.core.windows.net/",
                    silver: "abfss://mlp-test-silver@mlpprodlake.dfs.core.windows.net/",
                    gold: "abfss://mlp-test-gold@mlpprodlake.dfs.core.windows.net/",
                },
            }[layout.store];
            assert.deepEqual(zones, expected);
            assert.equal(lh.s3Endpoint ? await unwrap(lh.s3Endpoint) : undefined, layout.store === "minio" ? FAKE_S3_ENDPOINT : undefined);
        });

        it("creates the zone schemas through Trino once Trino and the metastore are up", async () => {
            const r = await deploy(layout);
            const job = r.one("kubernetes:batch/v1:Job", "lakehouse-zone-schemas");
            const release = r.one("kubernetes:helm.sh/v3:Release");
            assert.ok(job.dependencies.includes(release.urn));
            assert.ok(job.dependencies.includes(metastoreDeployment(r).urn));
            const c = job.inputs.spec.template.spec.containers[0];
            assert.deepEqual(c.command, ["/usr/bin/trino"]);
            assert.equal(c.args[1], "http://trino.ml-lakehouse.svc.cluster.local:8080");
            const sql = c.args[c.args.indexOf("--execute") + 1];
            for (const zone of ["bronze", "silver", "gold"]) {
                assert.match(sql, new RegExp(`CREATE SCHEMA IF NOT EXISTS lakehouse\\.${zone} WITH \\(location = '[a-z0-9]+://[^']*${zone}[^']*/'\\)`));
            }
        });
    });
}

describe("lakehouse: environments", () => {
    it("prod has PDBs for metastore and Trino workers, CPU autoscaling, and zone-spread metastores", async () => {
        const r = await deploy(LAYOUTS[1]);
        const pdbs = r.byType("kubernetes:policy/v1:PodDisruptionBudget");
        assert.deepEqual(
            pdbs.map((p) => [p.inputs.metadata.name, p.inputs.spec]).sort(),
            [
                ["hive-metastore", { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "hive-metastore", "app.kubernetes.io/instance": "lakehouse" } } }],
                [
                    "trino-worker",
                    { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "trino", "app.kubernetes.io/instance": "trino", "app.kubernetes.io/component": "worker" } } },
                ],
            ],
        );
        const values = releaseValues(r);
        assert.equal(values.server.autoscaling.enabled, true);
        assert.ok(values.server.workers >= 2);
        assert.equal(values.worker.gracefulShutdown.enabled, true);
        const deployment = metastoreDeployment(r);
        assert.equal(deployment.inputs.spec.replicas, 2);
        assert.deepEqual(
            deployment.inputs.spec.template.spec.topologySpreadConstraints.map((c: any) => c.topologyKey),
            ["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
        );
        assert.deepEqual(deployment.inputs.spec.strategy.rollingUpdate, { maxUnavailable: 0, maxSurge: 1 });
    });

    it("dev has no PDB (single replicas would block drains) and no autoscaler", async () => {
        const r = await deploy(LAYOUTS[0]);
        assert.deepEqual(r.byType("kubernetes:policy/v1:PodDisruptionBudget"), []);
        assert.deepEqual(releaseValues(r).server.autoscaling, { enabled: false });
        assert.equal(metastoreDeployment(r).inputs.spec.replicas, 1);
    });

    it("dev footprint: long-running pods request 350m CPU and 1360Mi memory in total", async () => {
        const r = await deploy(LAYOUTS[0]);
        let cpu = 0;
        let mem = 0;
        const add = (res: any, times: number) => {
            cpu += cpuMillis(res.requests.cpu) * times;
            mem += memoryMiB(res.requests.memory) * times;
        };
        const d = metastoreDeployment(r).inputs.spec;
        for (const c of d.template.spec.containers) add(c.resources, d.replicas);
        const v = releaseValues(r);
        add(v.coordinator.resources, 1);
        add(v.worker.resources, v.server.workers);
        assert.deepEqual({ cpu: `${cpu}m`, memory: `${mem}Mi` }, { cpu: "350m", memory: "1360Mi" });
    });
});

describe("lakehouse: options", () => {
    it("pulls every image and the chart from a mirror, and the jars from an internal Maven repository", async () => {
        const r = await deploy(LAYOUTS[0], {
            mirror: { imageRegistry: "registry.corp/mirror", chartRepository: "https://charts.corp/mirror" },
            mavenRepository: "https://nexus.corp/repository/maven-central",
        });
        const release = r.one("kubernetes:helm.sh/v3:Release");
        assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://charts.corp/mirror" });
        assert.equal(release.inputs.chart, "trino");
        assert.equal(release.inputs.version, "1.42.2");
        assert.equal(release.inputs.values.image.repository, "registry.corp/mirror/trinodb/trino:483");
        for (const { c } of allContainers(r.resources)) assert.match(c.image, /^registry\.corp\/mirror\//);
        const jars = metastoreDeployment(r).inputs.spec.template.spec.initContainers[0].env.find((e: any) => e.name === "JARS").value;
        assert.match(jars, / https:\/\/nexus\.corp\/repository\/maven-central\/org\/postgresql\//);
    });

    it("maps zones to other logical buckets", async () => {
        const store = fakeObjectStore("gcs", ["raw", "curated", "features"]);
        const r = await runProgram(() => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            return new Lakehouse(
                "lh",
                { environment: "dev", objectStore: store, postgres: fakePostgres("cloudsql"), zones: { bronze: "raw", silver: "curated", gold: "features" } },
                { providers: [provider] },
            );
        });
        assert.equal(await unwrap(r.result.zoneUris.gold), "gs://mlp-test-features/");
    });

    it("fails fast, naming the zones, when the object store lacks a zone bucket, before registering anything", () => {
        assert.throws(
            () => new Lakehouse("lh", { environment: "dev", objectStore: fakeObjectStore("minio", ["bronze"]), postgres: fakePostgres("in-cluster") }),
            /zone bucket\(s\) silver="silver", gold="gold" are not buckets of the object store \(it has bronze\)/,
        );
    });

    it("can leave the zone schemas to the user", async () => {
        const r = await deploy(LAYOUTS[0], { createZoneSchemas: false });
        assert.deepEqual(r.byType("kubernetes:batch/v1:Job").map((j) => j.name), ["lakehouse-metastore-schema"]);
    });
});
