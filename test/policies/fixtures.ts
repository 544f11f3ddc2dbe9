/**
 * Policy fixtures: resources as CrossGuard hands them to a policy. A fixture is built from the provider
 * SDK's resource class, so its type token is the class's own and its props are type-checked against the
 * class's args: a fixture cannot name a wrong type or a misspelt field.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PolicyProviderResource, PolicyResourceOptions } from "@pulumi/policy";

/** A resource as the analyzer receives it: type, name, URN, inputs and resource options. */
export interface FixtureResource<P = Record<string, any>> {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: P;
    readonly opts: PolicyResourceOptions;
    readonly provider?: PolicyProviderResource;
    /** URNs, for stack policies. */
    readonly parent?: string;
    readonly dependencies: readonly string[];
}

type ResourceClass<TArgs> = { new (name: string, args: TArgs, ...rest: any[]): pulumi.Resource };

/** The type token a generated resource class carries (`kubernetes:apps/v1:Deployment`). */
export function pulumiTypeOf(resourceClass: unknown): string {
    const type = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
    if (typeof type !== "string" || type === "") throw new Error(`${String(resourceClass)} carries no __pulumiType`);
    return type;
}

export const urnOf = (type: string, name: string) => `urn:pulumi:test::ml-platform::${type}::${name}`;

export function resourceOptions(opts: Partial<PolicyResourceOptions> = {}): PolicyResourceOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...opts,
    };
}

/** A fixture of `resourceClass` with `props` (its args, unwrapped). */
export function resource<TArgs>(
    resourceClass: ResourceClass<TArgs>,
    props: NoInfer<pulumi.Unwrap<NonNullable<TArgs>>>,
    options: { name?: string; protect?: boolean } = {},
): FixtureResource<pulumi.Unwrap<NonNullable<TArgs>>> {
    const type = pulumiTypeOf(resourceClass);
    const name = options.name ?? "fixture";
    return { type, name, urn: urnOf(type, name), props, opts: resourceOptions({ protect: options.protect ?? false }), dependencies: [] };
}

/** A copy of `fixture` with `change` applied to a deep copy of its props (and options). */
export function mutate<P>(
    fixture: FixtureResource<P>,
    change: (props: P) => void,
    opts: Partial<PolicyResourceOptions> = {},
): FixtureResource<P> {
    const props = structuredClone(fixture.props);
    change(props);
    return { ...fixture, props, opts: { ...fixture.opts, ...opts } };
}

/** The same fixture under another logical name (and URN). */
export function named<P>(fixture: FixtureResource<P>, name: string): FixtureResource<P> {
    return { ...fixture, name, urn: urnOf(fixture.type, name) };
}
