import { loadStackConfig } from "./stacks/config";
import { buildPlatform } from "./stacks/platform";

const platform = buildPlatform(loadStackConfig());

/** Kubeconfig of the platform's cluster (secret). */
export const kubeconfig = platform.kubeconfig;
/** The cluster's name. */
export const clusterName = platform.cluster.clusterName;
/** Internal and external URLs of every enabled component: `pulumi stack output endpoints`. */
export const endpoints = platform.endpoints;
/** The login of every UI; passwords are secrets (`pulumi stack output credentials --show-secrets`). */
export const credentials = platform.credentials;
