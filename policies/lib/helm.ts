import * as k8s from "@pulumi/kubernetes";
import { ReportViolation, ResourceValidation, ResourceValidationArgs, validateResourceOfType } from "@pulumi/policy";

/** One value inside a chart's values, with the dotted path that reaches it (`controller.service.type`). */
export interface ValueEntry {
    readonly path: string;
    readonly key: string;
    readonly value: unknown;
    /** The object or array holding the value. */
    readonly parent: unknown;
}

/** Every value of a values tree, depth first. Array elements appear as `path[i]`. */
export function* walkValues(value: unknown, path = ""): Generator<ValueEntry> {
    if (Array.isArray(value)) {
        for (const [i, item] of value.entries()) {
            const itemPath = `${path}[${i}]`;
            yield { path: itemPath, key: String(i), value: item, parent: value };
            yield* walkValues(item, itemPath);
        }
    } else if (value !== null && typeof value === "object") {
        for (const [key, item] of Object.entries(value)) {
            const itemPath = path ? `${path}.${key}` : key;
            yield { path: itemPath, key, value: item, parent: value };
            yield* walkValues(item, itemPath);
        }
    }
}

export interface ReleaseInfo {
    /** `namespace/name` of the Helm release. */
    readonly id: string;
    readonly values: Record<string, unknown>;
}

/**
 * A validation of a Helm release's `values`. The engine sees a `helm.v3.Release` as one resource (the
 * chart renders inside the provider), so its values are all a policy can check; charts deployed with
 * `helm.v4.Chart` register every rendered object and are checked by the workload policies directly.
 */
export function validateReleaseValues(
    check: (release: ReleaseInfo, args: ResourceValidationArgs, reportViolation: ReportViolation) => void,
): ResourceValidation {
    return validateResourceOfType(k8s.helm.v3.Release, (release, args, report) => {
        const namespace = release.namespace || "default";
        const name = release.name || args.name;
        check({ id: `${namespace}/${name}`, values: release.values ?? {} }, args, report);
    });
}
