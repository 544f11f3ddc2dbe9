import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { createNamespace, KubernetesTargetArgs } from "../common/kubernetes";
import { ANYWHERE, Cidr, peerOfHost, UnmanagedPods } from "../network/spec";
import { imageRef, images, Mirror } from "../versions";
import { ADMIN_SECRET_NAME, createAdminSecret, PostgresParts } from "./common";
import { POSTGRES_PORT } from "./spec";
import { AdminKind, SslMode } from "./sql";

/** Where the admin credential of an existing server is: a Secret the program reads (it must exist before `pulumi up`). */
export interface PostgresAdminSecretRef {
    readonly namespace: string;
    readonly name: string;
    /** Key holding the admin's user name. Default `username`. */
    readonly usernameKey?: string;
    /** Key holding the admin's password. Default `password`. */
    readonly passwordKey?: string;
}

/**
 * A Postgres server that already exists (bring your own): the component creates no server. `database(...)` still
 * gives each consumer its own database and role, created by the same idempotent psql Job as on the other flavors,
 * run with the admin credential you name. That admin needs `CREATEROLE` and `CREATEDB` (a managed service's admin
 * has both); it is copied once into the Jobs' namespace (a pod reads only Secrets of its own namespace), so it is in
 * the Pulumi state, encrypted as a secret, like the generated admin passwords of the other flavors.
 */
export interface ExistingPostgresArgs extends KubernetesTargetArgs {
    readonly flavor: "existing";
    /**
     * The server's address as clients in the cluster reach it: a DNS name or an IPv4 address. May be another stack's
     * output; then its form is checked when it is known, and the flows go to `peer` (any address on the port when
     * `peer` is absent, since the policy is written before the address is known).
     */
    readonly host: pulumi.Input<string>;
    /** Default 5432. */
    readonly port?: number;
    /** TLS on every connection (`require`), or none (`disable`, for a server in the cluster only). */
    readonly sslMode: SslMode;
    /** The admin credential (see above). */
    readonly adminSecret: PostgresAdminSecretRef;
    /**
     * What the admin is: `superuser` (a self-run server), or `managed` (a cloud service's admin, not a superuser:
     * roles it creates are granted to it so it can hand them their database). Default `managed`. Only `superuser`
     * can provision `monitoring` requests.
     */
    readonly admin?: AdminKind;
    /** Namespace of the admin copy and the provisioning Jobs; the component creates it. Default `ml-postgres`. */
    readonly namespace?: string;
    /**
     * NetworkPolicy destination of every flow to the server. Default: the host's address when it is an IP (`/32`);
     * the pods of its namespace when it is a Service name (`<service>.<namespace>.svc...`); otherwise any address on
     * the port (NetworkPolicy cannot name a DNS name: give the server's subnet here, or its pods by labels).
     */
    readonly peer?: Cidr | UnmanagedPods;
    /** Registry mirror for the psql image of the provisioning Jobs. */
    readonly mirror?: Mirror;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const HOST_EXPECTED = "a DNS name or an IPv4 address, without scheme or port";
const validHost = (host: string) => IPV4.test(host) || HOSTNAME.test(host);

/** Throws, naming the arg, the value and what was expected, on the first bad input. */
export function validateExistingPostgres(name: string, args: ExistingPostgresArgs): void {
    const fail = (arg: string, value: unknown, expected: string) => {
        throw new Error(`PostgresServer "${name}": ${arg} ${JSON.stringify(value)}: expected ${expected}`);
    };
    const allowed = ["flavor", "host", "port", "sslMode", "adminSecret", "admin", "namespace", "peer", "mirror", "kubernetesProvider"];
    const unused = Object.keys(args).filter((k) => (args as unknown as Record<string, unknown>)[k] !== undefined && !allowed.includes(k));
    if (unused.length) {
        throw new Error(`PostgresServer "${name}": ${unused.join(", ")} would not be used by flavor "existing"; expected only ${allowed.join(", ")}`);
    }
    if (typeof args.host === "string" ? !validHost(args.host) : !pulumi.Output.isInstance(args.host)) fail("host", args.host, HOST_EXPECTED);
    if (args.port !== undefined && !(Number.isInteger(args.port) && args.port > 0 && args.port < 65536)) fail("port", args.port, "an integer 1-65535");
    if (!["disable", "require"].includes(args.sslMode)) fail("sslMode", args.sslMode, '"require" or "disable"');
    if (args.admin !== undefined && !["superuser", "managed"].includes(args.admin)) fail("admin", args.admin, '"managed" or "superuser"');
    const ref = args.adminSecret;
    if (!ref || !K8S_NAME.test(ref.namespace ?? "") || !K8S_NAME.test(ref.name ?? "")) fail("adminSecret", ref, "{ namespace, name } of a Secret (Kubernetes names)");
    for (const key of ["usernameKey", "passwordKey"] as const) {
        if (ref[key] !== undefined && !SECRET_KEY.test(ref[key]!)) fail(`adminSecret.${key}`, ref[key], "a Secret key (letters, digits, '-', '_', '.')");
    }
    if (args.namespace !== undefined && !K8S_NAME.test(args.namespace)) fail("namespace", args.namespace, "a Kubernetes namespace name");
    if (args.namespace !== undefined && args.namespace === ref.namespace) {
        fail("namespace", args.namespace, `a namespace the component creates, not adminSecret's own ("${ref.namespace}")`);
    }
    if (args.peer && "cidr" in args.peer && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(args.peer.cidr)) fail("peer.cidr", args.peer.cidr, 'an IPv4 CIDR such as "10.60.0.0/20"');
    if (args.peer && "unmanagedNamespace" in args.peer && !K8S_NAME.test(args.peer.unmanagedNamespace)) {
        fail("peer.unmanagedNamespace", args.peer.unmanagedNamespace, "the namespace of the server's pods");
    }
}

export function existingPostgres(name: string, args: ExistingPostgresArgs, parent: pulumi.Resource): PostgresParts {
    const namespaceName = args.namespace ?? "ml-postgres";
    const port = args.port ?? POSTGRES_PORT;
    const ref = args.adminSecret;
    const opts = { parent };
    const namespace = createNamespace(`${name}-ns`, { namespace: namespaceName, component: "postgres" }, opts);
    const read = k8s.core.v1.Secret.get(`${name}-admin-source`, `${ref.namespace}/${ref.name}`, opts);
    const value = (key: string) =>
        pulumi.secret(
            read.data.apply((d) => {
                if (d?.[key] === undefined) throw new Error(`PostgresServer "${name}": Secret ${ref.namespace}/${ref.name} has no key "${key}" (adminSecret)`);
                return Buffer.from(d[key], "base64").toString("utf8");
            }),
        );
    const adminSecret = createAdminSecret(name, namespace, { username: value(ref.usernameKey ?? "username"), password: value(ref.passwordKey ?? "password") }, opts);
    const host = pulumi.output(args.host).apply((h) => {
        if (!validHost(h)) throw new Error(`PostgresServer "${name}": host ${JSON.stringify(h)}: expected ${HOST_EXPECTED}`);
        return h;
    });
    return {
        host,
        port,
        provisioner: {
            namespace: namespaceName,
            namespaceResource: namespace,
            peer: args.peer ?? (typeof args.host === "string" ? peerOfHost(args.host) : ANYWHERE),
            adminSecretName: ADMIN_SECRET_NAME,
            admin: args.admin ?? "managed",
            host,
            port,
            sslMode: args.sslMode,
            psqlImage: imageRef(images.postgres, args.mirror),
            walLevelAdvice: "The server is yours: set wal_level=logical (and restart it) as its operator documents, then run pulumi up again.",
            dependsOn: [adminSecret],
        },
    };
}
