import { Cluster } from "./cluster";
import { Platform } from "./platform";

/** The components the multi-language package exposes (its schema is analysed from exactly these). */
export const components = [Platform, Cluster];

export { Cluster, Platform };
