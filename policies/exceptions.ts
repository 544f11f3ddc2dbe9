/**
 * Containers allowed to run as root, in one place, each with the reason. A container matches by the
 * `app.kubernetes.io/component` label of its pod (set by `platformLabels` in components/common) and its
 * container name. Prefer fixing the image (a non-root USER, `runAsUser`, `fsGroup` for volume ownership)
 * over adding an entry; an entry is reviewed like code.
 *
 * Teams importing the pack add their own through the `exceptions` config of `k8s-run-as-non-root`
 * (same shape) instead of editing this list.
 */
export interface RootException {
    /** Value of the pod's `app.kubernetes.io/component` label. */
    readonly component: string;
    /** Container name inside the pod. */
    readonly container: string;
    /** Why this image cannot run as non-root, and what would remove the need. */
    readonly reason: string;
}

export const rootExceptions: readonly RootException[] = [];
