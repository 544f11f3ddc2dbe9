import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { artifactFileName, artifactUrl, fetchJarsScript, jarList, MAVEN_CENTRAL, metastoreJars } from "../../components/lakehouse/jars";
import {
    hadoopOptionalTools,
    hadoopXml,
    JMX_EXPORTER_CONFIG,
    jmxExporterAgentOption,
    METASTORE_DB_ENV,
    METASTORE_METRICS_PORT,
    metastoreArtifacts,
    metastoreFileSystemProperties,
    metastoreProperties,
    metastoreSiteXml,
} from "../../components/lakehouse/metastore-config";
import { MINIO_REGION, StorageSpec } from "../../components/lakehouse/storage";
import { FAKE_S3_ENDPOINT } from "./fakes";

const minio: StorageSpec = { flavor: "minio", s3Endpoint: FAKE_S3_ENDPOINT, region: MINIO_REGION };
const dirs = { warehouseDir: "s3://silver/warehouse/", externalWarehouseDir: "s3://bronze/external/" };

/** Reads a Hadoop XML document back into name/value pairs (the format we emit: one property per block). */
function parseHadoopXml(xml: string): Record<string, string> {
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<configuration>\n[\s\S]*<\/configuration>\n$/);
    const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
    const out: Record<string, string> = {};
    for (const m of xml.matchAll(/<property>\s*<name>([^<]*)<\/name>\s*<value>([^<]*)<\/value>\s*<\/property>/g)) out[unescape(m[1])] = unescape(m[2]);
    return out;
}

describe("lakehouse: metastore site file", () => {
    it("connects to Postgres only through ${env.*} references: no URL, user or password in the file", () => {
        const props = metastoreProperties({ storage: minio, ...dirs });
        assert.equal(props["javax.jdo.option.ConnectionDriverName"], "org.postgresql.Driver");
        assert.equal(props["javax.jdo.option.ConnectionURL"], `\${env.${METASTORE_DB_ENV.url}}`);
        assert.equal(props["javax.jdo.option.ConnectionUserName"], `\${env.${METASTORE_DB_ENV.user}}`);
        assert.equal(props["javax.jdo.option.ConnectionPassword"], `\${env.${METASTORE_DB_ENV.password}}`);
        assert.deepEqual(METASTORE_DB_ENV, { url: "METASTORE_DB_URL", user: "METASTORE_DB_USER", password: "METASTORE_DB_PASSWORD" });
    });

    it("never lets a server create or drift the schema, and serves Thrift on 9083", () => {
        const props = metastoreProperties({ storage: minio, ...dirs });
        assert.equal(props["datanucleus.schema.autoCreateAll"], "false");
        assert.equal(props["metastore.schema.verification"], "true");
        assert.equal(props["metastore.thrift.port"], "9083");
        assert.equal(props["metastore.warehouse.dir"], "s3://silver/warehouse/");
        assert.equal(props["metastore.warehouse.external.dir"], "s3://bronze/external/");
    });

    it("kind: S3A serves s3:// against MinIO, path-style, plain HTTP, keys from the environment only", () => {
        assert.deepEqual(metastoreFileSystemProperties(minio), {
            "fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
            "fs.AbstractFileSystem.s3.impl": "org.apache.hadoop.fs.s3a.S3A",
            "fs.s3a.endpoint": FAKE_S3_ENDPOINT,
            "fs.s3a.endpoint.region": "us-east-1",
            "fs.s3a.path.style.access": "true",
            "fs.s3a.connection.ssl.enabled": "false",
            "fs.s3a.aws.credentials.provider": "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider",
        });
        assert.equal(metastoreFileSystemProperties({ ...minio, s3Endpoint: "https://s3.example.internal" })["fs.s3a.connection.ssl.enabled"], "true");
    });

    it("GKE: the GCS connector with Application Default Credentials", () => {
        assert.deepEqual(metastoreFileSystemProperties({ flavor: "gcs" }), {
            "fs.gs.impl": "com.google.cloud.hadoop.fs.gcs.GoogleHadoopFileSystem",
            "fs.AbstractFileSystem.gs.impl": "com.google.cloud.hadoop.fs.gcs.GoogleHadoopFS",
            "fs.gs.auth.type": "APPLICATION_DEFAULT",
        });
    });

    it("AKS: ABFS OAuth through the workload identity token the webhook injects", () => {
        assert.deepEqual(metastoreFileSystemProperties({ flavor: "adls" }), {
            "fs.azure.account.auth.type": "OAuth",
            "fs.azure.account.oauth.provider.type": "org.apache.hadoop.fs.azurebfs.oauth2.WorkloadIdentityTokenProvider",
            "fs.azure.account.oauth2.msi.tenant": "${env.AZURE_TENANT_ID}",
            "fs.azure.account.oauth2.client.id": "${env.AZURE_CLIENT_ID}",
            "fs.azure.account.oauth2.token.file": "${env.AZURE_FEDERATED_TOKEN_FILE}",
        });
    });

    it("renders every property into well-formed, escaped Hadoop XML", () => {
        for (const storage of [minio, { flavor: "gcs" }, { flavor: "adls" }] as StorageSpec[]) {
            const props = metastoreProperties({ storage, ...dirs });
            assert.deepEqual(parseHadoopXml(metastoreSiteXml({ storage, ...dirs })), props);
        }
        const xml = hadoopXml({ "a.b": `x&y<z>"q"` });
        assert.match(xml, /<value>x&amp;y&lt;z&gt;&quot;q&quot;<\/value>/);
        assert.deepEqual(parseHadoopXml(xml), { "a.b": `x&y<z>"q"` });
    });

    it("puts Hadoop's own S3A/ABFS modules on the classpath and downloads only what the image lacks", () => {
        assert.equal(hadoopOptionalTools("minio"), "hadoop-aws");
        assert.equal(hadoopOptionalTools("adls"), "hadoop-azure");
        assert.equal(hadoopOptionalTools("gcs"), undefined);
        assert.deepEqual(metastoreArtifacts("minio").map(artifactFileName), ["postgresql-42.7.14.jar"]);
        assert.deepEqual(metastoreArtifacts("adls").map(artifactFileName), ["postgresql-42.7.14.jar"]);
        assert.deepEqual(metastoreArtifacts("gcs").map(artifactFileName), ["postgresql-42.7.14.jar", "gcs-connector-3.1.18-shaded.jar"]);
    });
});

describe("lakehouse: metastore metrics", () => {
    it("turns on the metastore's own metrics, reported as MBeans only", () => {
        const props = metastoreProperties({ storage: minio, ...dirs });
        assert.equal(props["metastore.metrics.enabled"], "true");
        assert.equal(props["metastore.metrics.reporters"], "jmx");
    });

    it("starts the JMX exporter agent on port 9404 with its configuration file", () => {
        assert.equal(METASTORE_METRICS_PORT, 9404);
        assert.equal(
            jmxExporterAgentOption("/opt/hive/aux-jars/jmx_prometheus_javaagent-1.0.1.jar", "/opt/hive/conf/jmx-exporter.yaml"),
            "-javaagent:/opt/hive/aux-jars/jmx_prometheus_javaagent-1.0.1.jar=9404:/opt/hive/conf/jmx-exporter.yaml",
        );
    });

    it("exports only the Dropwizard `metrics` domain, as hive_metastore_* gauges", () => {
        const config = parseYaml(JMX_EXPORTER_CONFIG);
        assert.deepEqual(config.includeObjectNames, ["metrics:*"]);
        assert.equal(config.lowercaseOutputName, true);
        assert.equal(config.rules.length, 1);
        const [rule] = config.rules;
        assert.equal(rule.name, "hive_metastore_$1");
        assert.equal(rule.type, "GAUGE");
        // The agent anchors each rule as ^.*(?:pattern).*$ and matches `domain<properties><keys>attribute: value`.
        const re = new RegExp(`^.*(?:${rule.pattern}).*$`);
        const name = (line: string) => re.exec(line)?.[1];
        assert.equal(name("metrics<name=open_connections, type=counters><>Count: 3"), "open_connections");
        assert.equal(name("metrics<type=gauges, name=total_count_tables><>Value: 12"), "total_count_tables");
        assert.equal(name("metrics<name=api_get_table><>Count: 40"), "api_get_table");
        assert.equal(name("metrics<name=api_get_table, type=timers><>Mean: 1.5"), undefined, "timer statistics are left out");
        assert.equal(name("metrics<name=api_get_table, type=timers><>MeanRate: 0.2"), undefined);
    });

    it("keeps credentials out of the exporter configuration", () => {
        assert.doesNotMatch(JMX_EXPORTER_CONFIG, /password|username|ssl|authentication|\$\{env\./i);
    });
});

describe("lakehouse: checksum-pinned jars", () => {
    it("pins every jar to an exact version and a SHA-256", () => {
        for (const a of Object.values(metastoreJars)) {
            assert.match(a.version, /^\d+\.\d+\.\d+$/);
            assert.match(a.sha256, /^[0-9a-f]{64}$/);
        }
    });

    it("pins the JMX exporter agent to 1.0.1, the last release on Maven Central, by its SHA-256", () => {
        assert.deepEqual(metastoreJars.jmxPrometheusJavaagent, {
            group: "io.prometheus.jmx",
            artifact: "jmx_prometheus_javaagent",
            version: "1.0.1",
            sha256: "7d61f737fd661610ccc14aea79764faa1ea94a340cbc8f0029b3d2edea3d80c1",
        });
        assert.equal(
            artifactUrl(metastoreJars.jmxPrometheusJavaagent),
            "https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar",
        );
    });

    it("builds Maven layout URLs, honouring a mirror repository", () => {
        assert.equal(
            artifactUrl(metastoreJars.gcsConnector),
            "https://repo1.maven.org/maven2/com/google/cloud/bigdataoss/gcs-connector/3.1.18/gcs-connector-3.1.18-shaded.jar",
        );
        assert.equal(
            artifactUrl(metastoreJars.postgresJdbc, "https://nexus.corp/repository/maven-central/"),
            "https://nexus.corp/repository/maven-central/org/postgresql/postgresql/42.7.14/postgresql-42.7.14.jar",
        );
        assert.equal(
            jarList([metastoreJars.postgresJdbc]),
            `postgresql-42.7.14.jar ${metastoreJars.postgresJdbc.sha256} ${MAVEN_CENTRAL}/org/postgresql/postgresql/42.7.14/postgresql-42.7.14.jar`,
        );
    });
});

/**
 * Runs the real init-container script with a stand-in `curl` first on PATH that serves files from a local
 * "repository" directory (no network), so checksum handling is exercised for real.
 */
function fetchWith(files: Record<string, string>, list: string, opts: { curlFails?: boolean } = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-jars-"));
    const bin = path.join(dir, "bin");
    const repo = path.join(dir, "repo");
    const dest = path.join(dir, "jars");
    for (const d of [bin, repo, dest]) fs.mkdirSync(d);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(repo, name), content);
    fs.writeFileSync(
        path.join(bin, "curl"),
        `#!/bin/sh
out=""; url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output) out="$2"; shift 2 ;;
    --retry|--retry-delay|--connect-timeout|--max-time) shift 2 ;;
    -*) shift ;;
    *) url="$1"; shift ;;
  esac
done
echo "$url" >> "${dir}/calls"
${opts.curlFails ? 'echo "curl: (22) The requested URL returned error: 404" >&2; exit 22' : `cp "${repo}/$(basename "$url")" "$out"`}
`,
        { mode: 0o755 },
    );
    const r = spawnSync("/bin/sh", ["-c", fetchJarsScript], {
        encoding: "utf8",
        env: { PATH: `${bin}:/usr/bin:/bin`, JAR_DIR: dest, JARS: list },
    });
    return { ...r, dest, listing: () => fs.readdirSync(dest).sort() };
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("lakehouse: jar fetch script (stand-in curl)", () => {
    it("downloads every listed jar and keeps those whose SHA-256 matches", () => {
        const list = [`a.jar ${sha("AAA")} https://repo.example/x/a.jar`, `b.jar ${sha("BBB")} https://repo.example/y/b.jar`].join("\n");
        const r = fetchWith({ "a.jar": "AAA", "b.jar": "BBB" }, list);
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(r.listing(), ["a.jar", "b.jar"]);
        assert.equal(fs.readFileSync(path.join(r.dest, "b.jar"), "utf8"), "BBB");
        assert.match(r.stdout, /verified a\.jar[\s\S]*verified b\.jar/);
    });

    it("refuses a tampered jar: non-zero exit and nothing left in the jar directory", () => {
        const r = fetchWith({ "a.jar": "tampered" }, `a.jar ${sha("AAA")} https://repo.example/x/a.jar`);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /checksum mismatch for a\.jar: expected [0-9a-f]{64}, got [0-9a-f]{64}/);
        assert.deepEqual(r.listing(), []);
    });

    it("stops at the first failing download", () => {
        const r = fetchWith({}, `a.jar ${sha("AAA")} https://repo.example/x/a.jar\nb.jar ${sha("BBB")} https://repo.example/y/b.jar`, { curlFails: true });
        assert.notEqual(r.status, 0);
        assert.deepEqual(r.listing(), []);
    });

    it("runs the list the component builds (real pins, stand-in bytes fail their checksum)", () => {
        const r = fetchWith({ "postgresql-42.7.14.jar": "not the real driver" }, jarList(metastoreArtifacts("minio")));
        assert.notEqual(r.status, 0);
        assert.match(r.stdout, /fetching https:\/\/repo1\.maven\.org\/maven2\/org\/postgresql\/postgresql\/42\.7\.14\/postgresql-42\.7\.14\.jar/);
    });
});
