import * as k8s from "@pulumi/kubernetes";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { walkValues, validateReleaseValues } from "../lib/helm";
import { allowListSchema, configOf, PlatformResourcePolicy } from "../lib/policy";
import { objectId } from "../lib/workloads";

const exposingTypes = new Set(["LoadBalancer", "NodePort"]);

const configSchema: PolicyConfigSchema = {
    properties: {
        allowed: {
            ...allowListSchema,
            description:
                "Services (`namespace/name`) and Helm releases (`namespace/release`) that may expose a " +
                "LoadBalancer or NodePort service, e.g. the ingress controller.",
        },
    },
};

type Config = { allowed: string[] };

export const noPublicServiceTypes: PlatformResourcePolicy = {
    name: "k8s-no-public-service-types",
    description:
        "No Service of type LoadBalancer or NodePort unless allow-listed: the platform is reached through its " +
        "ingress (TLS and authentication in front of every UI); a LoadBalancer or NodePort bypasses both.",
    remediationSteps:
        "Use a ClusterIP Service behind the ingress. The ingress controller itself (or another reviewed entry " +
        "point) is listed in this policy's `allowed` config as `namespace/name` in policies/config/<env>.json.",
    severity: "high",
    tags: ["kubernetes", "network"],
    configSchema,
    validateResource: [
        validateResourceOfType(k8s.core.v1.Service, (service, args, report) => {
            const { allowed } = configOf<Config>(args, configSchema);
            const { id } = objectId(service.metadata, args.name);
            const type = service.spec?.type;
            if (type && exposingTypes.has(type) && !allowed.includes(id)) {
                report(`Service ${id} is of type ${type} and not in the allow-list.`);
            }
        }),
        validateReleaseValues((release, args, report) => {
            const { allowed } = configOf<Config>(args, configSchema);
            if (allowed.includes(release.id)) return;
            for (const v of walkValues(release.values)) {
                // `service.type`, `controller.service.type`, `service.spec.type` (Traefik), `serviceType`: in chart
                // values these two words only ever mean a Service type. A chart whose default is LoadBalancer
                // without the values saying so is not visible here.
                const typeKey = v.key === "type" || v.key === "serviceType";
                if (typeKey && typeof v.value === "string" && exposingTypes.has(v.value)) {
                    report(`Helm release ${release.id}: values.${v.path} is ${v.value} and the release is not in the allow-list.`);
                }
            }
        }),
    ],
};
