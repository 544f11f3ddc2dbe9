/**
 * The short-lived pods verify runs in client namespaces, and the shell each one runs. Every pod passes the
 * `restricted` Pod Security profile, takes credentials only by reference to the client's connection Secret
 * (envFrom or a Secret volume, never a value), and prints what it saw for the runner to interpret: HTTP bodies
 * followed by `@@status <code>` lines, or a step marker before each call.
 */
import { ImagePin, imageRef, images } from "../../components/versions";
import { PodManifest } from "./types";

/** Labels of every verify pod: `kubectl delete pod -l app.kubernetes.io/name=ml-platform-verify -A` cleans up. */
export const VERIFY_LABELS = { "app.kubernetes.io/name": "ml-platform-verify", "app.kubernetes.io/part-of": "ml-platform" } as const;

/** Non-root UIDs the images run as (curlimages/curl's `curl_user` is a name, so the UID is set explicitly). */
const uidOf: Record<string, number> = { curl: 100, strimziKafka: 1001, postgres: 999 };

export interface PodArgs {
    /** Check slug, part of the pod name. */
    readonly slug: string;
    readonly namespace: string;
    readonly image: keyof typeof uidOf & keyof typeof images;
    readonly script: string;
    /** Non-secret settings (URLs, names). */
    readonly env?: Record<string, string>;
    /** A connection Secret exposed whole as environment variables. */
    readonly envFromSecret?: string;
    /** A connection Secret mounted as files (its keys are not valid shell variable names). */
    readonly secretVolume?: { readonly secret: string; readonly mountPath: string };
    /** Run as this ServiceAccount (where the workload's identity is what is checked); default: none, no token. */
    readonly serviceAccount?: string;
    /** Pod-name suffix, so concurrent or repeated runs never collide. */
    readonly suffix: string;
    /** A mirror registry replacing every image's registry. */
    readonly imageRegistry?: string;
}

export function podName(slug: string, suffix: string): string {
    const base = `verify-${slug}`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").slice(0, 50).replace(/-$/, "");
    return `${base}-${suffix}`;
}

export function verifyPod(a: PodArgs): PodManifest {
    const pin: ImagePin = images[a.image];
    const uid = uidOf[a.image];
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: podName(a.slug, a.suffix), namespace: a.namespace, labels: { ...VERIFY_LABELS } },
        spec: {
            restartPolicy: "Never",
            // A check that hangs is a failure, not a pod left behind.
            activeDeadlineSeconds: 180,
            ...(a.serviceAccount ? { serviceAccountName: a.serviceAccount } : { automountServiceAccountToken: false }),
            securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
                {
                    name: "check",
                    image: imageRef(pin, a.imageRegistry ? { imageRegistry: a.imageRegistry } : undefined),
                    command: ["/bin/sh", "-c", a.script],
                    env: [{ name: "HOME", value: "/tmp" }, ...Object.entries(a.env ?? {}).map(([name, value]) => ({ name, value }))],
                    ...(a.envFromSecret ? { envFrom: [{ secretRef: { name: a.envFromSecret } }] } : {}),
                    ...(a.secretVolume ? { volumeMounts: [{ name: "connection", mountPath: a.secretVolume.mountPath, readOnly: true }] } : {}),
                    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: a.image === "strimziKafka" ? "512Mi" : "128Mi" } },
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true },
                },
            ],
            ...(a.secretVolume ? { volumes: [{ name: "connection", secret: { secretName: a.secretVolume.secret } }] } : {}),
        },
    };
}

/** Prints each response body, then `@@status <code>` (or `@@curl <exit>` when curl itself failed). */
const curlFn = `t=\${TMPDIR:-/tmp}
req() { curl -sS -m 20 -o $t/body -w '%{http_code}' "$@" > $t/code; rc=$?; cat $t/body 2>/dev/null; echo; if [ $rc -ne 0 ]; then echo "@@curl $rc"; exit 1; fi; echo "@@status $(cat $t/code)"; }`;

/** POSTs `SELECT 1` to `$TRINO_URL` and follows `nextUri` until Trino stops handing one out. */
export const trinoScript = `${curlFn}
req -H 'X-Trino-User: ml-platform-verify' -H 'Content-Type: text/plain' --data 'SELECT 1' "\${TRINO_URL%/}/v1/statement"
i=0
while [ $i -lt 120 ]; do
  next=$(sed -n 's/.*"nextUri" *: *"\\([^"]*\\)".*/\\1/p' $t/body | head -n 1)
  [ -n "$next" ] || exit 0
  i=$((i+1)); sleep 0.5
  req -H 'X-Trino-User: ml-platform-verify' "$next"
done`;

/**
 * Logs a run as the client: get or create the experiment `verify`, create a run, log a metric, end the run. The
 * login goes to curl in a config file, not on its command line. Each call is announced by `@@step <name>`.
 */
export const mlflowScript = `${curlFn}
umask 077; printf 'user = "%s:%s"\\n' "$MLFLOW_TRACKING_USERNAME" "$MLFLOW_TRACKING_PASSWORD" > $t/auth
api="\${MLFLOW_TRACKING_URI%/}/api/2.0/mlflow"
call() { step=$1; shift; echo "@@step $step"; req -K $t/auth -H 'Content-Type: application/json' "$@"; }
field() { sed -n "s/.*\\"$1\\" *: *\\"\\([^\\"]*\\)\\".*/\\1/p" $t/body | head -n 1; }
ok() { case $(cat $t/code) in 2*) return 0;; *) exit 1;; esac; }
now=$(date +%s)000
call get-experiment "$api/experiments/get-by-name?experiment_name=verify"
if [ "$(cat $t/code)" = 404 ]; then call create-experiment --data '{"name":"verify"}' "$api/experiments/create"; fi
ok; exp=$(field experiment_id)
call create-run --data "{\\"experiment_id\\":\\"$exp\\",\\"start_time\\":$now,\\"run_name\\":\\"ml-platform-verify\\"}" "$api/runs/create"
ok; run=$(field run_id)
call log-metric --data "{\\"run_id\\":\\"$run\\",\\"key\\":\\"verify\\",\\"value\\":1,\\"timestamp\\":$now,\\"step\\":0}" "$api/runs/log-metric"
ok
call end-run --data "{\\"run_id\\":\\"$run\\",\\"status\\":\\"FINISHED\\",\\"end_time\\":$(date +%s)000}" "$api/runs/update"
ok; echo "@@run $run"`;

/**
 * Produces one record with a unique value and consumes the topic until it comes back, with the client's Secret
 * mounted at `$CONN` (keys as in `kafkaClientSecretKeys`): PLAINTEXT as is, SASL_SSL with SCRAM and the cluster CA.
 * The consumer group carries the client's name, which its ACLs allow by prefix (`<client>-*`).
 */
export function kafkaScript(keys: { bootstrapServers: string; securityProtocol: string; saslMechanism: string; username: string; password: string; caCertificate: string }): string {
    return `set -u
t=\${TMPDIR:-/tmp}
p=$t/client.properties; umask 077
echo "security.protocol=$(cat "$CONN/${keys.securityProtocol}")" > $p
group=verify
if [ -f "$CONN/${keys.saslMechanism}" ]; then
  echo "sasl.mechanism=$(cat "$CONN/${keys.saslMechanism}")" >> $p
  echo "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\\"$(cat "$CONN/${keys.username}")\\" password=\\"$(cat "$CONN/${keys.password}")\\";" >> $p
  group="$(cat "$CONN/${keys.username}")-verify"
fi
if [ -f "$CONN/${keys.caCertificate}" ]; then printf 'ssl.truststore.type=PEM\\nssl.truststore.location=%s\\n' "$CONN/${keys.caCertificate}" >> $p; fi
bs=$(cat "$CONN/${keys.bootstrapServers}")
export KAFKA_HEAP_OPTS=-Xmx256m
bin=\${KAFKA_BIN:-/opt/kafka/bin}
echo "@@step create-topic"
$bin/kafka-topics.sh --bootstrap-server "$bs" --command-config $p --create --if-not-exists --topic "$TOPIC" 2>&1 | tail -n 5
value="verify-$(date +%s)-$$"
echo "@@step produce"
echo "$value" | $bin/kafka-console-producer.sh --bootstrap-server "$bs" --producer.config $p --topic "$TOPIC" 2>&1 | tail -n 20
echo "@@produced $value"
echo "@@step consume"
$bin/kafka-console-consumer.sh --bootstrap-server "$bs" --consumer.config $p --topic "$TOPIC" --group "$group" --from-beginning --timeout-ms 15000 > $t/consumed 2>&1
if grep -qx "$value" $t/consumed; then echo "@@consumed $value"; fi
grep -v '^verify-' $t/consumed | tail -n 20
echo "@@done"`;
}

/** `psql` with the connection Secret's `uri` key. */
export function postgresScript(uriKey: string): string {
    return `echo "@@step select"; psql "$${uriKey}" -v ON_ERROR_STOP=1 -tAc 'SELECT 1' 2>&1`;
}

/** One POST of `$BODY` to `$URL`. */
export const postScript = `${curlFn}
req -H 'Content-Type: application/json' --data "$BODY" "$URL"`;

/** One GET of `$URL`. */
export const getScript = `${curlFn}
req "$URL"`;
