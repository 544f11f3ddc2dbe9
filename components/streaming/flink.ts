/** Pure spec of a Flink application as a FlinkDeployment of the Flink Kubernetes Operator. */
import { platformLabels } from "../common/kubernetes";
import { StreamingPlan } from "./config";
import { COMPONENT } from "./kafka";
import { FlinkJobSpec } from "./types";

export const FLINK_API = "flink.apache.org/v1beta1";
const KAFKA_CA_DIR = "/etc/kafka/ca";

/** `KAFKA_*` env of a job pod: where the brokers are and, with SCRAM, the client's login and the cluster CA. */
export function kafkaEnv(plan: StreamingPlan, user?: string): Record<string, any>[] {
    const env: Record<string, any>[] = [{ name: "KAFKA_BOOTSTRAP_SERVERS", value: plan.bootstrapServers }];
    if (plan.security === "plaintext") return [...env, { name: "KAFKA_SECURITY_PROTOCOL", value: "PLAINTEXT" }];
    env.push({ name: "KAFKA_SECURITY_PROTOCOL", value: "SASL_SSL" }, { name: "KAFKA_SASL_MECHANISM", value: "SCRAM-SHA-512" });
    env.push({ name: "KAFKA_SSL_TRUSTSTORE_TYPE", value: "PEM" }, { name: "KAFKA_SSL_TRUSTSTORE_LOCATION", value: `${KAFKA_CA_DIR}/ca.crt` });
    // The User Operator writes the JAAS line into the Secret named after the user.
    if (user) env.push({ name: "KAFKA_SASL_JAAS_CONFIG", valueFrom: { secretKeyRef: { name: user, key: "sasl.jaas.config" } } });
    return env;
}

export function flinkConfiguration(plan: StreamingPlan, job: FlinkJobSpec): Record<string, string> {
    const state: Record<string, string> = job.stateDir
        ? {
              "execution.checkpointing.interval": "60 s",
              "execution.checkpointing.dir": `${job.stateDir}/checkpoints`,
              "execution.checkpointing.savepoint-dir": `${job.stateDir}/savepoints`,
              // Kubernetes HA keeps the job graph and checkpoint pointers across JobManager loss; last-state upgrades need it.
              "high-availability.type": "kubernetes",
              "high-availability.storageDir": `${job.stateDir}/ha`,
          }
        : {};
    return { "taskmanager.numberOfTaskSlots": "1", ...state, ...job.flinkConfiguration };
}

export function flinkDeploymentSpec(plan: StreamingPlan, job: FlinkJobSpec): Record<string, any> {
    const d = plan.sizing.flinkJob;
    const scram = plan.security === "scram-tls";
    const kafkaUsed = job.kafkaUser !== undefined || !scram;
    const labels = { ...platformLabels(COMPONENT), ...job.podLabels };
    return {
        apiVersion: FLINK_API,
        kind: "FlinkDeployment",
        metadata: { name: job.name, namespace: plan.namespace, labels: platformLabels(COMPONENT) },
        spec: {
            image: job.image,
            imagePullPolicy: "IfNotPresent",
            flinkVersion: job.flinkVersion,
            serviceAccount: job.serviceAccountName ?? "flink",
            flinkConfiguration: flinkConfiguration(plan, job),
            // Two JobManagers only make sense with HA, which needs a stateDir (required in prod).
            jobManager: { replicas: job.stateDir ? d.jobManager.replicas : 1, resource: job.jobManager ?? { cpu: d.jobManager.cpu, memory: d.jobManager.memory } },
            taskManager: {
                ...(job.taskManager?.replicas ? { replicas: job.taskManager.replicas } : {}),
                resource: job.taskManager ? { cpu: job.taskManager.cpu, memory: job.taskManager.memory } : d.taskManager,
            },
            podTemplate: {
                metadata: { labels },
                spec: {
                    securityContext: { runAsNonRoot: true, runAsUser: 9999, runAsGroup: 9999, fsGroup: 9999, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            // The operator merges this into the JobManager and TaskManager containers.
                            name: "flink-main-container",
                            env: kafkaUsed ? kafkaEnv(plan, job.kafkaUser) : [],
                            ...(scram && job.kafkaUser ? { volumeMounts: [{ name: "kafka-ca", mountPath: KAFKA_CA_DIR, readOnly: true }] } : {}),
                            // Flink's entrypoint renders its config into /opt/flink/conf and logs under /opt/flink/log.
                            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: false, capabilities: { drop: ["ALL"] } },
                        },
                    ],
                    ...(scram && job.kafkaUser
                        ? { volumes: [{ name: "kafka-ca", secret: { secretName: plan.names.caCertSecret, items: [{ key: "ca.crt", path: "ca.crt" }] } }] }
                        : {}),
                },
            },
            job: {
                jarURI: job.jarURI,
                ...(job.entryClass ? { entryClass: job.entryClass } : {}),
                ...(job.args ? { args: [...job.args] } : {}),
                parallelism: job.parallelism ?? d.parallelism,
                upgradeMode: job.upgradeMode ?? (job.stateDir ? "last-state" : "stateless"),
                state: "running",
            },
        },
    };
}
