/**
 * The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/), as the
 * Pod Security admission controller of Kubernetes 1.34 checks them, written as one pure function per control.
 * Each takes a pod spec (plus the pod's annotations) and returns what it forbids, as messages; empty is a pass.
 */

export type Level = "privileged" | "baseline" | "restricted";

/** The parts of a pod the controls read. */
export interface PodInput {
    readonly metadata?: { readonly annotations?: Record<string, string> };
    readonly spec: any;
}

export interface Control {
    readonly name: string;
    readonly level: Exclude<Level, "privileged">;
    readonly check: (pod: PodInput) => string[];
}

interface Container {
    readonly name: string;
    readonly kind: "containers" | "initContainers" | "ephemeralContainers";
    readonly c: any;
}

function containersOf(spec: any): Container[] {
    return (["initContainers", "containers", "ephemeralContainers"] as const).flatMap((kind) =>
        ((spec?.[kind] ?? []) as any[]).map((c) => ({ name: c.name ?? "?", kind, c })),
    );
}

const where = (x: Container) => `${x.kind.replace(/s$/, "")} "${x.name}"`;

// --- baseline ---

const hostProcess: Control = {
    name: "HostProcess",
    level: "baseline",
    check: ({ spec }) => [
        ...(spec?.securityContext?.windowsOptions?.hostProcess === true ? ["pod securityContext.windowsOptions.hostProcess=true"] : []),
        ...containersOf(spec).filter((x) => x.c.securityContext?.windowsOptions?.hostProcess === true).map((x) => `${where(x)}: windowsOptions.hostProcess=true`),
    ],
};

const hostNamespaces: Control = {
    name: "Host Namespaces",
    level: "baseline",
    check: ({ spec }) => (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => spec?.[k] === true).map((k) => `${k}=true`),
};

const privileged: Control = {
    name: "Privileged Containers",
    level: "baseline",
    check: ({ spec }) => containersOf(spec).filter((x) => x.c.securityContext?.privileged === true).map((x) => `${where(x)}: privileged=true`),
};

const baselineCapabilities = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);

const capabilitiesBaseline: Control = {
    name: "Capabilities",
    level: "baseline",
    check: ({ spec }) =>
        containersOf(spec).flatMap((x) =>
            ((x.c.securityContext?.capabilities?.add ?? []) as string[]).filter((cap) => !baselineCapabilities.has(cap)).map((cap) => `${where(x)}: adds capability ${cap}`),
        ),
};

const hostPathVolumes: Control = {
    name: "HostPath Volumes",
    level: "baseline",
    check: ({ spec }) => ((spec?.volumes ?? []) as any[]).filter((v) => v.hostPath).map((v) => `volume "${v.name}": hostPath`),
};

const hostPorts: Control = {
    name: "Host Ports",
    level: "baseline",
    check: ({ spec }) =>
        containersOf(spec).flatMap((x) => ((x.c.ports ?? []) as any[]).filter((p) => p.hostPort).map((p) => `${where(x)}: hostPort ${p.hostPort}`)),
};

const appArmorTypes = new Set(["RuntimeDefault", "Localhost"]);
const appArmor: Control = {
    name: "AppArmor",
    level: "baseline",
    check: ({ metadata, spec }) => [
        ...(spec?.securityContext?.appArmorProfile?.type && !appArmorTypes.has(spec.securityContext.appArmorProfile.type)
            ? [`pod appArmorProfile.type=${spec.securityContext.appArmorProfile.type}`]
            : []),
        ...containersOf(spec)
            .filter((x) => x.c.securityContext?.appArmorProfile?.type && !appArmorTypes.has(x.c.securityContext.appArmorProfile.type))
            .map((x) => `${where(x)}: appArmorProfile.type=${x.c.securityContext.appArmorProfile.type}`),
        ...Object.entries(metadata?.annotations ?? {})
            .filter(([k, v]) => k.startsWith("container.apparmor.security.beta.kubernetes.io/") && v !== "runtime/default" && !v.startsWith("localhost/"))
            .map(([k, v]) => `annotation ${k}=${v}`),
    ],
};

const seLinuxTypes = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
function seLinuxProblems(opts: any, at: string): string[] {
    if (!opts) return [];
    return [
        ...(opts.type !== undefined && !seLinuxTypes.has(opts.type) ? [`${at}seLinuxOptions.type=${opts.type}`] : []),
        ...(opts.user ? [`${at}seLinuxOptions.user=${opts.user}`] : []),
        ...(opts.role ? [`${at}seLinuxOptions.role=${opts.role}`] : []),
    ];
}
const seLinux: Control = {
    name: "SELinux",
    level: "baseline",
    check: ({ spec }) => [
        ...seLinuxProblems(spec?.securityContext?.seLinuxOptions, "pod "),
        ...containersOf(spec).flatMap((x) => seLinuxProblems(x.c.securityContext?.seLinuxOptions, `${where(x)}: `)),
    ],
};

const procMount: Control = {
    name: "/proc Mount Type",
    level: "baseline",
    check: ({ spec }) =>
        containersOf(spec)
            .filter((x) => x.c.securityContext?.procMount !== undefined && x.c.securityContext.procMount !== "Default")
            .map((x) => `${where(x)}: procMount=${x.c.securityContext.procMount}`),
};

const seccompBaseline: Control = {
    name: "Seccomp",
    level: "baseline",
    check: ({ spec }) => [
        ...(spec?.securityContext?.seccompProfile?.type === "Unconfined" ? ["pod seccompProfile.type=Unconfined"] : []),
        ...containersOf(spec).filter((x) => x.c.securityContext?.seccompProfile?.type === "Unconfined").map((x) => `${where(x)}: seccompProfile.type=Unconfined`),
    ],
};

const safeSysctls = new Set([
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
]);
const sysctls: Control = {
    name: "Sysctls",
    level: "baseline",
    check: ({ spec }) => ((spec?.securityContext?.sysctls ?? []) as any[]).filter((s) => !safeSysctls.has(s.name)).map((s) => `sysctl ${s.name}`),
};

// --- restricted ---

const restrictedVolumeTypes = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);
const volumeTypes: Control = {
    name: "Volume Types",
    level: "restricted",
    check: ({ spec }) =>
        ((spec?.volumes ?? []) as any[]).flatMap((v) =>
            Object.keys(v)
                .filter((k) => k !== "name" && !restrictedVolumeTypes.has(k))
                .map((k) => `volume "${v.name}": type ${k}`),
        ),
};

const privilegeEscalation: Control = {
    name: "Privilege Escalation",
    level: "restricted",
    check: ({ spec }) =>
        containersOf(spec)
            .filter((x) => x.c.securityContext?.allowPrivilegeEscalation !== false)
            .map((x) => `${where(x)}: allowPrivilegeEscalation is not false`),
};

const runAsNonRoot: Control = {
    name: "Running as Non-root",
    level: "restricted",
    check: ({ spec }) => {
        const pod = spec?.securityContext?.runAsNonRoot;
        return [
            ...(pod === false ? ["pod runAsNonRoot=false"] : []),
            ...containersOf(spec)
                .filter((x) => x.c.securityContext?.runAsNonRoot === false || (x.c.securityContext?.runAsNonRoot === undefined && pod !== true))
                .map((x) => `${where(x)}: runAsNonRoot is not true (neither on the container nor on the pod)`),
        ];
    },
};

const runAsUser: Control = {
    name: "Running as Non-root user",
    level: "restricted",
    check: ({ spec }) => [
        ...(spec?.securityContext?.runAsUser === 0 ? ["pod runAsUser=0"] : []),
        ...containersOf(spec).filter((x) => x.c.securityContext?.runAsUser === 0).map((x) => `${where(x)}: runAsUser=0`),
    ],
};

const seccompTypes = new Set(["RuntimeDefault", "Localhost"]);
const seccompRestricted: Control = {
    name: "Seccomp",
    level: "restricted",
    check: ({ spec }) => {
        const pod = spec?.securityContext?.seccompProfile?.type;
        return [
            ...(pod !== undefined && !seccompTypes.has(pod) ? [`pod seccompProfile.type=${pod}`] : []),
            ...containersOf(spec).flatMap((x) => {
                const own = x.c.securityContext?.seccompProfile?.type;
                if (own !== undefined) return seccompTypes.has(own) ? [] : [`${where(x)}: seccompProfile.type=${own}`];
                return seccompTypes.has(pod) ? [] : [`${where(x)}: no seccompProfile RuntimeDefault/Localhost (neither on the container nor on the pod)`];
            }),
        ];
    },
};

const capabilitiesRestricted: Control = {
    name: "Capabilities",
    level: "restricted",
    check: ({ spec }) =>
        containersOf(spec).flatMap((x) => {
            const caps = x.c.securityContext?.capabilities ?? {};
            return [
                ...(((caps.drop ?? []) as string[]).includes("ALL") ? [] : [`${where(x)}: does not drop ALL capabilities`]),
                ...((caps.add ?? []) as string[]).filter((cap) => cap !== "NET_BIND_SERVICE").map((cap) => `${where(x)}: adds capability ${cap}`),
            ];
        }),
};

export const controls: readonly Control[] = [
    hostProcess,
    hostNamespaces,
    privileged,
    capabilitiesBaseline,
    hostPathVolumes,
    hostPorts,
    appArmor,
    seLinux,
    procMount,
    seccompBaseline,
    sysctls,
    volumeTypes,
    privilegeEscalation,
    runAsNonRoot,
    runAsUser,
    seccompRestricted,
    capabilitiesRestricted,
];

/** What the level forbids in a pod, as `<control>: <problem>` (restricted includes every baseline control). */
export function podSecurityViolations(pod: PodInput, level: Level): string[] {
    if (level === "privileged") return [];
    const applicable = controls.filter((c) => c.level === "baseline" || level === "restricted");
    return applicable.flatMap((c) => c.check(pod).map((p) => `${c.name} (${c.level}): ${p}`));
}

/** The pod template of a workload registration, or undefined for kinds that carry none. */
export function podTemplateOf(type: string, inputs: any): PodInput | undefined {
    const kind = type.split(":").pop();
    switch (kind) {
        case "Pod":
            return { metadata: inputs.metadata, spec: inputs.spec };
        case "Deployment":
        case "StatefulSet":
        case "DaemonSet":
        case "ReplicaSet":
        case "Job":
        case "ReplicationController":
            return inputs.spec?.template;
        case "CronJob":
            return inputs.spec?.jobTemplate?.spec?.template;
        default:
            return undefined;
    }
}

/** A namespace's enforced level from its labels (admission's default when unlabelled is `privileged`). */
export function enforcedLevel(labels: Record<string, string> | undefined): Level {
    const level = labels?.["pod-security.kubernetes.io/enforce"];
    return level === "baseline" || level === "restricted" ? level : "privileged";
}
