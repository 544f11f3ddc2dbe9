import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KubernetesTargetArgs, platformLabels, statefulServerServices } from "../common/kubernetes";
import { ContainerResources } from "../storage/pod";
import { imageRef, images, Mirror } from "../versions";
import { createAdminPlumbing, PostgresParts } from "./common";
import { POSTGRES_PORT, postgresDevResources, postgresStatefulSet } from "./spec";

/** Postgres in the cluster: the dev database server (kind, or any cluster without a managed Postgres). */
export interface InClusterPostgresArgs extends KubernetesTargetArgs {
    readonly flavor: "in-cluster";
    /** Only `dev`: a single Postgres pod is not a production database (use `cloudsql` or `flexible`). */
    readonly environment: "dev" | "prod";
    /** Namespace of the server, its admin Secret and the provisioning Jobs; the component creates it. Default `ml-postgres`. */
    readonly namespace?: string;
    /** PVC size. Default `10Gi`. */
    readonly storageSize?: string;
    /** StorageClass of the PVC. Default `standard` (kind's local-path class). */
    readonly storageClassName?: string;
    /** Server requests/limits. Default 100m/128Mi requested, 1 CPU/1Gi limit. */
    readonly resources?: ContainerResources;
    /** Registry mirror for the postgres image. */
    readonly mirror?: Mirror;
}

export function createInClusterPostgres(name: string, args: InClusterPostgresArgs, parent: pulumi.Resource): PostgresParts {
    if (args.environment !== "dev") {
        throw new Error(
            `PostgresServer "${name}": flavor "in-cluster" is a single-pod dev server and is refused for environment "${args.environment}"; use flavor "cloudsql" (GKE) or "flexible" (AKS).`,
        );
    }
    const namespaceName = args.namespace ?? "ml-postgres";
    const labels = { ...platformLabels("postgres"), "app.kubernetes.io/name": "postgres", "app.kubernetes.io/instance": name };
    const { namespace, adminSecret, adminSecretName } = createAdminPlumbing(name, { namespace: namespaceName, adminUsername: "postgres" }, parent);
    const ns = namespace.metadata.name;
    const opts = { parent };

    const { headless } = statefulServerServices(name, { service: "postgres", namespace: ns, labels, port: { name: "postgres", number: POSTGRES_PORT } }, opts);
    const image = imageRef(images.postgres, args.mirror);
    const statefulSet = new k8s.apps.v1.StatefulSet(
        `${name}-postgres`,
        postgresStatefulSet({
            namespace: namespaceName,
            image,
            labels,
            serviceName: "postgres-headless",
            adminSecretName,
            storageClassName: args.storageClassName ?? "standard",
            storageSize: args.storageSize ?? "10Gi",
            resources: args.resources ?? postgresDevResources,
        }),
        { parent, dependsOn: [namespace, adminSecret, headless] },
    );

    const host = pulumi.output(`postgres.${namespaceName}.svc.cluster.local`);
    return {
        host,
        port: POSTGRES_PORT,
        provisioner: {
            namespace: namespaceName,
            namespaceResource: namespace,
            peer: namespaceName,
            adminSecretName,
            admin: "superuser",
            host,
            port: POSTGRES_PORT,
            // In-cluster traffic on kind; the managed flavors require TLS.
            sslMode: "disable",
            psqlImage: image,
            walLevelAdvice: "The in-cluster server is started with -c wal_level=logical; check the StatefulSet's args.",
            dependsOn: [statefulSet],
        },
    };
}
