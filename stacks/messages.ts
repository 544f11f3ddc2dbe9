/** The Pulumi config namespace of every key (`ml-platform:<key>`). */
export const NAMESPACE = "ml-platform";

/** A config value as error messages quote it: JSON, shortened; "nothing" when unset. */
export function show(value: unknown): string {
    if (value === undefined) return "nothing";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
