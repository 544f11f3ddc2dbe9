/**
 * Jars the Hive image lacks, fetched from a Maven repository at pod start and verified against pinned SHA-256
 * sums (Maven Central publishes only SHA-1; the SHA-256 values below were computed from the downloaded
 * artifacts after checking them against Central's .sha1 files).
 *
 * S3A (hadoop-aws + AWS SDK v2 bundle) and ABFS (hadoop-azure) are not here: `images.hive` carries Hadoop
 * 3.4.1's full tarball, whose share/hadoop/tools/lib holds them; HADOOP_OPTIONAL_TOOLS puts them on the
 * classpath. Keep these pins in step with `images.hive` (Hadoop 3.4.1, Java 17).
 */

export interface MavenArtifact {
    readonly group: string;
    readonly artifact: string;
    readonly version: string;
    readonly classifier?: string;
    /** SHA-256 of the jar, hex. */
    readonly sha256: string;
}

export const metastoreJars = {
    /** PostgreSQL JDBC driver 42.7.14, the newest 42.7.x (Java 8+). */
    postgresJdbc: {
        group: "org.postgresql",
        artifact: "postgresql",
        version: "42.7.14",
        sha256: "73914527305a40cce504b0d3d90b23caf565136912d607ae8ae7c5895512332c",
    },
    /**
     * Cloud Storage connector for Hadoop 3, self-contained `shaded` jar. 3.1.18 is the newest 3.1.x published
     * with the shaded classifier; Java 11 bytecode, so it runs on the image's JVM whatever its
     * release (4.x is Java 17 bytecode).
     */
    gcsConnector: {
        group: "com.google.cloud.bigdataoss",
        artifact: "gcs-connector",
        version: "3.1.18",
        classifier: "shaded",
        sha256: "9eaeb8452af54c2a0feaa60bd570eb36b695d8666736979fec0f8d60e578e9c0",
    },
    /**
     * Prometheus JMX exporter Java agent, serving the metastore's metrics to Monitoring's PodMonitor. 1.0.1 is the
     * last release on Maven Central (later ones are published on GitHub Releases only, which a Maven mirror does
     * not proxy); Java 8+ bytecode. Its JVM metric names (`jvm_memory_used_bytes`, `jvm_threads_current`,
     * `jvm_gc_collection_seconds`) are the ones monitoring/metrics.ts expects.
     */
    jmxPrometheusJavaagent: {
        group: "io.prometheus.jmx",
        artifact: "jmx_prometheus_javaagent",
        version: "1.0.1",
        sha256: "7d61f737fd661610ccc14aea79764faa1ea94a340cbc8f0029b3d2edea3d80c1",
    },
} as const satisfies Record<string, MavenArtifact>;

/** Maven Central; override with an internal mirror (Nexus, Artifactory) on air-gapped clusters. */
export const MAVEN_CENTRAL = "https://repo1.maven.org/maven2";

export function artifactFileName(a: MavenArtifact): string {
    return `${a.artifact}-${a.version}${a.classifier ? `-${a.classifier}` : ""}.jar`;
}

export function artifactUrl(a: MavenArtifact, repository: string = MAVEN_CENTRAL): string {
    return `${repository.replace(/\/+$/, "")}/${a.group.replace(/\./g, "/")}/${a.artifact}/${a.version}/${artifactFileName(a)}`;
}

/** The `JARS` list the fetch script reads: one `file sha256 url` line per artifact. */
export function jarList(artifacts: readonly MavenArtifact[], repository?: string): string {
    return artifacts.map((a) => `${artifactFileName(a)} ${a.sha256} ${artifactUrl(a, repository)}`).join("\n");
}

/**
 * POSIX sh (BusyBox in the curl image). Downloads each jar to `$JAR_DIR`, refuses any whose SHA-256 differs
 * from the pin, and only then moves it into place, so the metastore never starts with an unverified jar.
 */
export const fetchJarsScript = `set -eu
dest="\${JAR_DIR:?JAR_DIR is not set}"
while read -r file sha url; do
  [ -n "$file" ] || continue
  echo "fetching $url"
  curl --fail --silent --show-error --location --retry 5 --retry-delay 3 --retry-all-errors \\
    --connect-timeout 15 --max-time 900 --output "$dest/$file.part" "$url"
  actual="$(sha256sum "$dest/$file.part" | cut -d ' ' -f 1)"
  if [ "$actual" != "$sha" ]; then
    rm -f "$dest/$file.part"
    echo "checksum mismatch for $file: expected $sha, got $actual" >&2
    exit 1
  fi
  mv "$dest/$file.part" "$dest/$file"
  echo "verified $file"
done <<EOF
$JARS
EOF
`;
