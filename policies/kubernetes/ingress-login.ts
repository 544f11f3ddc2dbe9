import * as k8s from "@pulumi/kubernetes";
import { PolicyConfigSchema, validateResourceOfType } from "@pulumi/policy";
import { allowListSchema, configOf, PlatformResourcePolicy } from "../lib/policy";
import { objectId } from "../lib/workloads";

/** The annotation components/ingress writes on every route (its `RouteLogin`). */
const LOGIN = "ml-platform/login";
const MIDDLEWARES = "traefik.ingress.kubernetes.io/router.middlewares";
const singleSignOn = new Set(["oidc", "sso", "sign-in"]);
const known = new Set([...singleSignOn, "basic", "own"]);

const configSchema: PolicyConfigSchema = {
    properties: {
        requireSingleSignOn: {
            type: "boolean",
            default: true,
            description:
                "Every route logs users in through the platform's identity provider (`oidc`, `sso`) or is the sign-in " +
                "itself. Set false for a stack that keeps the basic-auth fallback (`ingress.auth: basic`).",
        },
        allowed: {
            ...allowListSchema,
            description: "Ingresses (`namespace/name`) this policy skips, e.g. a reviewed public page of your own.",
        },
    },
};

type Config = { requireSingleSignOn: boolean; allowed: string[] };

export const ingressLogin: PlatformResourcePolicy = {
    name: "k8s-ingress-login",
    description:
        "Every Ingress says how users log in (annotation `ml-platform/login`), and a login it claims to put in front " +
        "of the UI is there: `sso` and `basic` name a Traefik middleware. With single sign-on required, no route " +
        "is left to a shared basic-auth password or to a UI's own user list: one person can be revoked in one place.",
    remediationSteps:
        "Expose UIs with the Ingress component's `expose()` (it writes the annotation and the middleware), with " +
        "`sso` from the Identity component. For a stack on the basic-auth fallback set " +
        '`"k8s-ingress-login": { "requireSingleSignOn": false }` in policies/config/<env>.json; list an Ingress of ' +
        "your own that needs no login in `allowed` as `namespace/name`.",
    severity: "high",
    tags: ["kubernetes", "identity"],
    configSchema,
    validateResource: validateResourceOfType(k8s.networking.v1.Ingress, (ingress, args, report) => {
        const { requireSingleSignOn, allowed } = configOf<Config>(args, configSchema);
        const { id } = objectId(ingress.metadata, args.name);
        if (allowed.includes(id)) return;
        const annotations = ingress.metadata?.annotations ?? {};
        const login = annotations[LOGIN];
        if (!login || !known.has(login)) {
            report(`Ingress ${id}: annotation ${LOGIN} is ${JSON.stringify(login)}; expected one of ${[...known].join(", ")}.`);
            return;
        }
        if ((login === "sso" || login === "basic") && !annotations[MIDDLEWARES]) {
            report(`Ingress ${id}: login "${login}" but no ${MIDDLEWARES} annotation puts it in front of the UI.`);
        }
        if (requireSingleSignOn && !singleSignOn.has(login)) {
            report(`Ingress ${id}: login "${login}" while single sign-on is required; expected oidc or sso (ingress.auth: sso).`);
        }
    }),
};
