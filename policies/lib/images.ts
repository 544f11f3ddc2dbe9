/**
 * Why an image reference is not pinned, or undefined when it is. Pinned means an explicit tag other than
 * `latest`, or a content digest: the same reference then always runs the same code.
 */
export function imagePinProblem(image: string | undefined): string | undefined {
    if (!image) return "has no image reference";
    const [name, digest] = image.split("@", 2);
    const lastSlash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    // A colon before the last slash belongs to a registry port (`registry:5000/app`), not a tag.
    const tag = colon > lastSlash ? name.slice(colon + 1) : undefined;
    if (tag?.toLowerCase() === "latest") return `uses the mutable tag "latest" (${image})`;
    if (tag || digest) return undefined;
    return `has no tag, so it resolves to "latest" (${image})`;
}
