/**
 * The real-engine end-to-end test's entry program (scripts/e2e.sh, `npm run test:e2e`): the real platform, composed by
 * the stack code unchanged (`loadStackConfig` + `buildPlatform`), plus one stack transform that sets skip-await on
 * every Kubernetes object and Helm release. No kubelet runs against the test's API server, so no Pod ever starts and
 * nothing becomes Ready; without skip-await every Deployment, Job and Release would wait until it timed out.
 *
 * One exception: a Strimzi `Kafka` keeps its own wait (prod's waits for condition Ready before its clients read the
 * cluster CA), because scripts/e2e.sh stands in for Strimzi's operator: it writes the CA Secret and reports the Kafka
 * Ready, as the operator does.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../../stacks/config";
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
    if (type === "kubernetes:kafka.strimzi.io/v1:Kafka") return undefined;
    if (type.startsWith("kubernetes:")) return { props: { ...props, metadata: withSkipAwaitAnnotation(props.metadata) }, opts };
    return undefined;
});

export = async () => {
    const loaded = loadStackConfig();
    const platform = buildPlatform(loaded);
    return {
        clusterName: platform.cluster.clusterName,
        endpoints: platform.endpoints,
        connections: platform.connections,
        [TRIGGERS_OUTPUT]: replacementTriggers(loaded.config),
    };
};
