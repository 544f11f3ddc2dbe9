import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CATALOGS, fileSystemProperties, hiveCatalog, icebergCatalog, trinoCatalogs } from "../../components/lakehouse/catalogs";
import { MINIO_REGION, StorageSpec } from "../../components/lakehouse/storage";
import { FAKE_S3_ENDPOINT } from "./fakes";

const metastoreUri = "thrift://hive-metastore.ml-lakehouse.svc.cluster.local:9083";
const minio: StorageSpec = { flavor: "minio", s3Endpoint: FAKE_S3_ENDPOINT, region: MINIO_REGION };
const gcs: StorageSpec = { flavor: "gcs" };
const adls: StorageSpec = { flavor: "adls" };

/** Parses a rendered .properties body back into key/value pairs, refusing duplicate keys. */
function parse(body: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of body.split("\n").filter(Boolean)) {
        const i = line.indexOf("=");
        const key = line.slice(0, i);
        assert.ok(!(key in out), `duplicate key ${key}`);
        out[key] = line.slice(i + 1);
    }
    return out;
}

describe("lakehouse: Trino catalog files", () => {
    it("kind: lakehouse is Iceberg on the metastore over MinIO path-style, keys only as ${ENV:...}", () => {
        assert.equal(
            trinoCatalogs({ storage: minio, metastoreUri }).lakehouse,
            [
                "connector.name=iceberg",
                "iceberg.catalog.type=hive_metastore",
                `hive.metastore.uri=${metastoreUri}`,
                "iceberg.file-format=PARQUET",
                "iceberg.compression-codec=ZSTD",
                "iceberg.hive-catalog-name=hive",
                "fs.s3.enabled=true",
                "s3.endpoint=http://minio.ml-storage.svc.cluster.local:9000",
                "s3.region=us-east-1",
                "s3.path-style-access=true",
                "s3.aws-access-key=${ENV:AWS_ACCESS_KEY_ID}",
                "s3.aws-secret-key=${ENV:AWS_SECRET_ACCESS_KEY}",
                "",
            ].join("\n"),
        );
    });

    it("kind: hive catalog writes raw external tables and redirects Iceberg tables to lakehouse", () => {
        assert.equal(
            trinoCatalogs({ storage: minio, metastoreUri }).hive,
            [
                "connector.name=hive",
                `hive.metastore.uri=${metastoreUri}`,
                "hive.non-managed-table-writes-enabled=true",
                "hive.storage-format=PARQUET",
                "hive.iceberg-catalog-name=lakehouse",
                "fs.s3.enabled=true",
                "s3.endpoint=http://minio.ml-storage.svc.cluster.local:9000",
                "s3.region=us-east-1",
                "s3.path-style-access=true",
                "s3.aws-access-key=${ENV:AWS_ACCESS_KEY_ID}",
                "s3.aws-secret-key=${ENV:AWS_SECRET_ACCESS_KEY}",
                "",
            ].join("\n"),
        );
    });

    it("GKE: native GCS with Application Default Credentials (workload identity), no key of any kind", () => {
        assert.deepEqual(parse(trinoCatalogs({ storage: gcs, metastoreUri }).lakehouse), {
            "connector.name": "iceberg",
            "iceberg.catalog.type": "hive_metastore",
            "hive.metastore.uri": metastoreUri,
            "iceberg.file-format": "PARQUET",
            "iceberg.compression-codec": "ZSTD",
            "iceberg.hive-catalog-name": "hive",
            "fs.gcs.enabled": "true",
            "gcs.auth-type": "APPLICATION_DEFAULT",
        });
    });

    it("AKS: native ADLS Gen2 with DefaultAzureCredential (workload identity), no key of any kind", () => {
        assert.deepEqual(parse(trinoCatalogs({ storage: adls, metastoreUri }).hive), {
            "connector.name": "hive",
            "hive.metastore.uri": metastoreUri,
            "hive.non-managed-table-writes-enabled": "true",
            "hive.storage-format": "PARQUET",
            "hive.iceberg-catalog-name": "lakehouse",
            "fs.azure.enabled": "true",
            "azure.auth-type": "DEFAULT",
        });
    });

    for (const storage of [minio, gcs, adls]) {
        it(`${storage.flavor}: exactly one native file system, never the legacy Hadoop one, no credential literal`, () => {
            for (const props of [icebergCatalog({ storage, metastoreUri }), hiveCatalog({ storage, metastoreUri })]) {
                const enabled = Object.keys(props).filter((k) => /^fs\.[a-z0-9-]+\.enabled$/.test(k));
                assert.equal(enabled.length, 1, `enabled: ${enabled.join(", ")}`);
                assert.equal(props["fs.hadoop.enabled"], undefined);
                for (const [key, value] of Object.entries(props)) {
                    if (/(key|secret|password|token)/i.test(key)) assert.match(value, /^\$\{ENV:[A-Z_]+\}$/, `${key} must be an env reference`);
                }
                assert.equal(props["gcs.json-key"], undefined);
                assert.equal(props["azure.access-key"], undefined);
            }
        });
    }

    it("both catalogs read the same metastore, and the file-system block is identical between them", () => {
        for (const storage of [minio, gcs, adls]) {
            const fs = fileSystemProperties(storage);
            for (const props of [icebergCatalog({ storage, metastoreUri }), hiveCatalog({ storage, metastoreUri })]) {
                assert.equal(props["hive.metastore.uri"], metastoreUri);
                for (const [k, v] of Object.entries(fs)) assert.equal(props[k], v);
            }
        }
    });

    it("names the two catalogs lakehouse (Iceberg) and hive", () => {
        assert.deepEqual(Object.keys(trinoCatalogs({ storage: gcs, metastoreUri })).sort(), ["hive", "lakehouse"]);
        assert.deepEqual(CATALOGS, { iceberg: "lakehouse", hive: "hive" });
    });
});
