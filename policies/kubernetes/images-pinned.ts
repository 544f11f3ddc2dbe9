import { walkValues, validateReleaseValues } from "../lib/helm";
import { imagePinProblem } from "../lib/images";
import { PlatformResourcePolicy } from "../lib/policy";
import { containersOf, describeWorkload, validateWorkloads } from "../lib/workloads";

export const imagesPinned: PlatformResourcePolicy = {
    name: "k8s-images-pinned",
    description:
        "Every image is pinned to an explicit tag other than `latest`, or to a digest, so a rollout, a " +
        "node replacement or a rollback runs the code that was reviewed.",
    remediationSteps:
        "Reference images through `imageRef(images.<pin>, mirror)` from components/versions.ts, which always " +
        "carries an exact tag; in chart values set `image.tag` to an exact version (or leave it empty so the " +
        "chart uses its own pinned appVersion), never `latest`.",
    severity: "high",
    tags: ["kubernetes", "supply-chain"],
    validateResource: [
        ...validateWorkloads((w, _args, report) => {
            for (const c of containersOf(w.spec)) {
                const problem = imagePinProblem(c.container.image);
                if (problem) report(`${describeWorkload(w)}: ${c.label} ${problem}.`);
            }
        }),
        validateReleaseValues((release, _args, report) => {
            for (const v of walkValues(release.values)) {
                // `image: {repository, tag}`: an empty tag means the chart's appVersion, which the pinned chart fixes.
                if ((v.key === "tag" || v.key === "imageTag") && typeof v.value === "string" && v.value.toLowerCase() === "latest") {
                    report(`Helm release ${release.id}: values.${v.path} is "latest".`);
                }
                // `image: "repo:tag"` as one string; some charts keep the tag beside it (KServe: `controller.image`
                // and `controller.tag`), which the check above covers.
                const parent = v.parent as Record<string, unknown>;
                const tagBeside = ["tag", "imageTag"].some((k) => typeof parent[k] === "string" && parent[k] !== "");
                if (v.key === "image" && typeof v.value === "string" && !tagBeside) {
                    const problem = imagePinProblem(v.value);
                    if (problem) report(`Helm release ${release.id}: values.${v.path} ${problem}.`);
                }
            }
        }),
    ],
};
