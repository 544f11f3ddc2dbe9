import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { PlatformPolicy } from "../../../policies/lib/policy";
import { runPolicy } from "../engine";
import { FixtureResource } from "../fixtures";

export interface Fixture {
    /** For a violating fixture: the property it breaks. */
    readonly title: string;
    /** One resource for a resource policy; the stack's resources for a stack policy. */
    readonly resources: readonly FixtureResource<any>[];
    /** The policy's config properties (schema defaults fill the rest). */
    readonly config?: Record<string, unknown>;
}

export interface ViolatingFixture extends Fixture {
    /** Every violation the fixture raises matches this; there is at least one. */
    readonly message: RegExp;
}

/** A policy's compliant fixtures and one violating fixture per property it checks. */
export interface PolicyCases {
    readonly policy: PlatformPolicy;
    readonly compliant: readonly Fixture[];
    readonly violations: readonly ViolatingFixture[];
}

export const one = (r: FixtureResource<any>, title = "compliant"): Fixture => ({ title, resources: [r] });
export const violation = (title: string, r: FixtureResource<any> | FixtureResource<any>[], message: RegExp, config?: Record<string, unknown>): ViolatingFixture =>
    ({ title, resources: Array.isArray(r) ? r : [r], message, config });

/** The node:test suite of one group's case table. */
export function testCases(group: string, table: readonly PolicyCases[]) {
    describe(`policies: ${group}`, () => {
        for (const { policy, compliant, violations } of table) {
            describe(policy.name, () => {
                for (const f of compliant) {
                    it(`passes: ${f.title}`, async () => {
                        const outcome = await runPolicy(policy, f.resources, f.config);
                        assert.equal(outcome.applicable, true, "the policy did not apply to the fixture");
                        assert.deepEqual(outcome.violations.map((v) => v.message), []);
                    });
                }
                for (const f of violations) {
                    it(`flags: ${f.title}`, async () => {
                        const outcome = await runPolicy(policy, f.resources, f.config);
                        const messages = outcome.violations.map((v) => v.message);
                        assert.ok(messages.length > 0, "no violation reported");
                        for (const m of messages) assert.match(m, f.message);
                    });
                }
            });
        }
    });
}
