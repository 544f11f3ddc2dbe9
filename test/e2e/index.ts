/**
 * The real-engine end-to-end test's entry program (scripts/e2e.sh, `npm run test:e2e`): the real platform, composed by
 * the stack code unchanged (`loadStackConfig` + `buildPlatform`), plus one stack transform that sets skip-await on
 * every Kubernetes object and Helm release. No kubelet runs against the test's API server, so no Pod ever starts and
 * nothing becomes Ready; without skip-await every Deployment, Job and Release would wait until it timed out.
 *
 * `E2E_EXISTING_KUBECONFIG` (set by scripts/e2e.sh) makes a prod-shaped stack possible: the stack file is a valid
 * cloud prod stack (the config rules refuse `environment: prod` on `existing`, because prod needs managed Postgres and
 * object storage); after validation its cluster is swapped for the `existing` cluster at that kubeconfig, so the prod
 * defaults (replicas, PDBs, sizing, alerting) are deployed with the in-cluster data services.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, platformSecrets, StackConfig } from "../../stacks/config";
import { buildPlatform } from "../../stacks/platform";
import { replacementTriggers, TRIGGERS_OUTPUT } from "../../stacks/upgrade";

const SKIP_AWAIT = "pulumi.com/skipAwait";

function withSkipAwaitAnnotation(metadata: any): any {
    const add = (md: any) => ({ ...(md ?? {}), annotations: { ...(md?.annotations ?? {}), [SKIP_AWAIT]: "true" } });
    if (pulumi.Output.isInstance(metadata)) return metadata.apply(add);
    if (metadata !== undefined && pulumi.Output.isInstance(metadata.annotations)) {
        return { ...metadata, annotations: metadata.annotations.apply((a: any) => ({ ...(a ?? {}), [SKIP_AWAIT]: "true" })) };
    }
    return add(metadata);
}

// SDK-side stack transformation, not `registerResourceTransform`: with this machine's CLI 3.259.0 and Node.js language
// host 3.68.0, the engine-side transform registration (RegisterStackTransform) is rejected and the program dies with an
// unhandled rejection whose reason is undefined (every object of the first run was created without the annotation).
// Every resource here is registered by this program (no multi-language component), so the SDK-side hook sees them all.
pulumi.runtime.registerStackTransformation(({ type, props, opts }) => {
    // `atomic` makes Helm wait for every object to become ready whatever `skipAwait` says (Helm turns --wait on with
    // --atomic), so it is turned off too: it only decides whether a failed install is rolled back.
    if (type === "kubernetes:helm.sh/v3:Release") return { props: { ...props, skipAwait: true, atomic: false }, opts };
    // Every Kubernetes object (providers are `pulumi:providers:kubernetes`, components are not `kubernetes:`).
    if (type.startsWith("kubernetes:")) return { props: { ...props, metadata: withSkipAwaitAnnotation(props.metadata) }, opts };
    return undefined;
});

export = async () => {
    let loaded: StackConfig = loadStackConfig();
    const kubeconfigPath = process.env.E2E_EXISTING_KUBECONFIG;
    if (kubeconfigPath && loaded.config.cluster.provider !== "existing") {
        const cluster = { provider: "existing" as const, name: `e2e-${loaded.config.environment}`, kubeconfigPath };
        const config = { ...loaded.config, cluster } as StackConfig["config"];
        loaded = { ...loaded, config, secrets: platformSecrets(config, {}) };
    }
    const platform = buildPlatform(loaded);
    return {
        clusterName: platform.cluster.clusterName,
        endpoints: platform.endpoints,
        connections: platform.connections,
        [TRIGGERS_OUTPUT]: replacementTriggers(loaded.config),
    };
};
