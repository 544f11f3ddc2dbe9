/**
 * Turns what the program registered under mocks (test/harness.ts) into what the engine hands the policy
 * pack: inputs as they cross the wire (secrets unwrapped, undefined fields dropped), the resource options
 * CrossGuard exposes, and the provider resource. Generic over resource types, so it keeps covering the
 * stacks as components are added to buildPlatform.
 */
import { Registration } from "../harness";
import { FixtureResource, resourceOptions } from "./fixtures";

/** `urn::id` provider reference to its URN (URNs contain `::` themselves). */
const providerUrn = (ref: string) => (ref ? ref.slice(0, ref.lastIndexOf("::")) : "");

export function fromRegistrations(registrations: readonly Registration[]): FixtureResource[] {
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    return registrations.map((r) => {
        const provider = byUrn.get(providerUrn(r.provider));
        return {
            type: r.type,
            name: r.name,
            urn: r.urn,
            // Protobuf Structs carry no undefined: a JSON round trip drops them like the wire does.
            props: JSON.parse(JSON.stringify(r.inputs)),
            // PolicyResourceOptions has no retainOnDelete: CrossGuard does not pass it to policies, so neither do we.
            opts: resourceOptions({
                protect: r.protect,
                ignoreChanges: [...r.ignoreChanges],
                deleteBeforeReplace: r.deleteBeforeReplace,
                additionalSecretOutputs: [...r.additionalSecretOutputs],
                ...(r.parent ? { parent: r.parent } : {}),
            }),
            ...(provider ? { provider: { type: provider.type, name: provider.name, urn: provider.urn, props: JSON.parse(JSON.stringify(provider.inputs)) } } : {}),
            ...(r.parent ? { parent: r.parent } : {}),
            dependencies: [...r.dependencies],
        };
    });
}
