import { PolicyPack } from "@pulumi/policy";
import { policies } from "./registry";

// Mandatory unless the policy config says otherwise: prod stacks run with config/prod.json (everything
// mandatory), dev stacks with config/dev.json (advisory, prod-only policies disabled). A pack run without
// a config file is as strict as prod.
new PolicyPack("ml-platform", {
    displayName: "ml-platform standards",
    description: "Kubernetes workload security, CIS-derived GKE and AKS controls, and data safety for ml-platform.",
    enforcementLevel: "mandatory",
    policies,
});
