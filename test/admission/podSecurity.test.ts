import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { constructStack, shippedStacks } from "../harness";
import { namespaceOf } from "./namespaces";
import { controls, enforcedLevel, Level, PodInput, podSecurityViolations, podTemplateOf } from "./podSecurity";

/** A pod that passes `restricted`: what every platform pod looks like. */
const compliant = (): PodInput => ({
    metadata: { annotations: {} },
    spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
        initContainers: [{ name: "init", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
        containers: [
            {
                name: "app",
                ports: [{ containerPort: 8080 }],
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] }, readOnlyRootFilesystem: true },
            },
        ],
        volumes: [
            { name: "tmp", emptyDir: {} },
            { name: "config", configMap: { name: "c" } },
            { name: "data", persistentVolumeClaim: { claimName: "d" } },
            { name: "token", projected: { sources: [] } },
        ],
    },
});

type Mutation = (pod: any) => void;
const app = (pod: any) => pod.spec.containers[0];

/** For each control (by name and level): changes that each must make it, and only it, refuse the compliant pod. */
const violations: Record<string, Mutation[]> = {
    "HostProcess (baseline)": [(p) => (p.spec.securityContext.windowsOptions = { hostProcess: true }), (p) => (app(p).securityContext.windowsOptions = { hostProcess: true })],
    "Host Namespaces (baseline)": [(p) => (p.spec.hostNetwork = true), (p) => (p.spec.hostPID = true), (p) => (p.spec.hostIPC = true)],
    "Privileged Containers (baseline)": [(p) => (app(p).securityContext.privileged = true), (p) => (p.spec.initContainers[0].securityContext.privileged = true)],
    "Capabilities (baseline)": [(p) => (app(p).securityContext.capabilities.add = ["NET_ADMIN"])],
    "HostPath Volumes (baseline)": [(p) => p.spec.volumes.push({ name: "host", hostPath: { path: "/var/run" } })],
    "Host Ports (baseline)": [(p) => (app(p).ports[0].hostPort = 80)],
    "AppArmor (baseline)": [
        (p) => (p.spec.securityContext.appArmorProfile = { type: "Unconfined" }),
        (p) => (app(p).securityContext.appArmorProfile = { type: "Unconfined" }),
        (p) => (p.metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"] = "unconfined"),
    ],
    "SELinux (baseline)": [
        (p) => (p.spec.securityContext.seLinuxOptions = { type: "spc_t" }),
        (p) => (app(p).securityContext.seLinuxOptions = { user: "system_u" }),
        (p) => (app(p).securityContext.seLinuxOptions = { role: "sysadm_r" }),
    ],
    "/proc Mount Type (baseline)": [(p) => (app(p).securityContext.procMount = "Unmasked")],
    "Seccomp (baseline)": [(p) => (app(p).securityContext.seccompProfile = { type: "Unconfined" })],
    "Sysctls (baseline)": [(p) => (p.spec.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }])],
    "Volume Types (restricted)": [(p) => p.spec.volumes.push({ name: "nfs", nfs: { server: "x", path: "/" } })],
    "Privilege Escalation (restricted)": [(p) => delete app(p).securityContext.allowPrivilegeEscalation, (p) => (p.spec.initContainers[0].securityContext.allowPrivilegeEscalation = true)],
    "Running as Non-root (restricted)": [(p) => delete p.spec.securityContext.runAsNonRoot, (p) => (app(p).securityContext.runAsNonRoot = false)],
    "Running as Non-root user (restricted)": [(p) => (p.spec.securityContext.runAsUser = 0), (p) => (app(p).securityContext.runAsUser = 0)],
    "Seccomp (restricted)": [(p) => delete p.spec.securityContext.seccompProfile],
    "Capabilities (restricted)": [(p) => (app(p).securityContext.capabilities.drop = ["NET_RAW"]), (p) => (app(p).securityContext.capabilities.add = ["CHOWN"])],
};

const mutated = (m: Mutation) => {
    const pod = structuredClone(compliant());
    m(pod);
    return pod;
};
const controlsHit = (pod: PodInput, level: Level) => [...new Set(podSecurityViolations(pod, level).map((v) => v.split(": ")[0]))];

describe("Pod Security Standards: each control refuses what it must", () => {
    it("the compliant pod passes restricted, and every control has violating cases", () => {
        assert.deepEqual(podSecurityViolations(compliant(), "restricted"), []);
        assert.deepEqual(Object.keys(violations).sort(), controls.map((c) => `${c.name} (${c.level})`).sort());
    });

    for (const [control, mutations] of Object.entries(violations)) {
        it(`${control}: ${mutations.length} violating change(s)`, () => {
            const baseline = control.endsWith("(baseline)");
            for (const m of mutations) {
                const pod = mutated(m);
                // Restricted includes every baseline control; a baseline rule may also trip its restricted twin.
                assert.ok(controlsHit(pod, "restricted").includes(control), `${m}: ${controlsHit(pod, "restricted")}`);
                if (baseline) assert.ok(controlsHit(pod, "baseline").includes(control), `${m} at baseline`);
                else assert.deepEqual(controlsHit(pod, "baseline"), [], `${m} passes baseline`);
                assert.deepEqual(podSecurityViolations(pod, "privileged"), []);
            }
        });
    }

    it("allows what the standard allows: container-level settings in place of pod-level ones, safe sysctls and capabilities", () => {
        const pod = mutated((p) => {
            delete p.spec.securityContext.runAsNonRoot;
            delete p.spec.securityContext.seccompProfile;
            for (const c of [...p.spec.containers, ...p.spec.initContainers]) Object.assign(c.securityContext, { runAsNonRoot: true, seccompProfile: { type: "Localhost", localhostProfile: "p.json" } });
            p.spec.securityContext.sysctls = [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }];
        });
        assert.deepEqual(podSecurityViolations(pod, "restricted"), []);
        assert.deepEqual(podSecurityViolations(mutated((p) => (app(p).securityContext.capabilities.add = ["CHOWN"])), "baseline"), []);
    });

    it("reads a namespace's enforced level and every workload's pod template", () => {
        assert.equal(enforcedLevel({ "pod-security.kubernetes.io/enforce": "baseline" }), "baseline");
        assert.equal(enforcedLevel({ "pod-security.kubernetes.io/warn": "restricted" }), "privileged");
        const template = { spec: { containers: [] } };
        assert.equal(podTemplateOf("kubernetes:apps/v1:Deployment", { spec: { template } }), template);
        assert.equal(podTemplateOf("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template } } } }), template);
        assert.equal(podTemplateOf("kubernetes:core/v1:ConfigMap", {}), undefined);
    });
});

describe("every pod the program creates passes its namespace's enforced Pod Security level", () => {
    for (const stack of shippedStacks) {
        it(stack, async (t) => {
            const run = await constructStack(stack);
            const levels = new Map(
                run.byType("kubernetes:core/v1:Namespace").map((ns) => [ns.inputs.metadata.name as string, enforcedLevel(ns.inputs.metadata.labels)]),
            );
            const problems: string[] = [];
            const counts: Record<string, number> = {};
            for (const r of run.resources) {
                const pod = r.custom ? podTemplateOf(r.type, r.inputs) : undefined;
                if (!pod) continue;
                const ns = namespaceOf(r)!;
                const level = levels.get(ns);
                if (!level) {
                    problems.push(`${r.type}::${r.name}: namespace "${ns}" is not one the program creates (its level is unknown)`);
                    continue;
                }
                counts[level] = (counts[level] ?? 0) + 1;
                for (const v of podSecurityViolations(pod, level)) problems.push(`${r.type.split(":").pop()} ${ns}/${r.inputs.metadata?.name} (${level}): ${v}`);
            }
            const total = Object.values(counts).reduce((a, b) => a + b, 0);
            assert.ok(total >= 8, `${total} pod templates`);
            assert.deepEqual(problems, []);
            t.diagnostic(`${total} pod templates checked: ${Object.entries(counts).map(([l, n]) => `${n} ${l}`).join(", ")}`);
        });
    }
});
