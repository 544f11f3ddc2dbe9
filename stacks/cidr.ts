/** IPv4 addresses and CIDR ranges, as the config schema and the upgrade checks compare them. */
const ipv4 = String.raw`(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}`;
export const ipv4Re = new RegExp(`^${ipv4}$`);
export const cidrRe = new RegExp(`^${ipv4}/(3[0-2]|[12]?\\d)$`);

function ipToInt(ip: string): number {
    return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Whether `ip` lies inside `cidrRange` (false for anything malformed). */
export function ipInCidr(ip: string, cidrRange: string): boolean {
    if (!ipv4Re.test(ip) || !cidrRe.test(cidrRange)) return false;
    const [base, bits] = cidrRange.split("/");
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(ipToInt(base) / size) * size;
    const value = ipToInt(ip);
    return value >= start && value < start + size;
}

/** Whether `outer` contains every address of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
    if (!cidrRe.test(outer) || !cidrRe.test(inner)) return false;
    return ipInCidr(inner.split("/")[0], outer) && Number(outer.split("/")[1]) <= Number(inner.split("/")[1]);
}

/** The first and last address of a range, as 32-bit numbers. */
function bounds(cidrRange: string): [number, number] {
    const [base, bits] = cidrRange.split("/");
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(ipToInt(base) / size) * size;
    return [start, start + size - 1];
}

/** Whether `cidrRange` is written as its network address (no host bits set: `10.10.0.0/20`, not `10.10.0.1/20`). */
export function isCanonicalCidr(cidrRange: string): boolean {
    return ipToInt(cidrRange.split("/")[0]) === bounds(cidrRange)[0];
}

/** `cidrRange` with its host bits cleared: what the network address of a range written with host bits is. */
export function canonicalCidr(cidrRange: string): string {
    const start = bounds(cidrRange)[0];
    const ip = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256).join(".");
    return `${ip}/${cidrRange.split("/")[1]}`;
}

/** Whether two ranges share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const [a0, a1] = bounds(a);
    const [b0, b1] = bounds(b);
    return a0 <= b1 && b0 <= a1;
}

/** Private address space: RFC 1918, plus RFC 6598 shared space (100.64.0.0/10), which GKE and AKS accept for cluster ranges. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] as const;

/** Whether every address of `cidrRange` is in {@link PRIVATE_RANGES}. */
export function isPrivateCidr(cidrRange: string): boolean {
    return PRIVATE_RANGES.some((p) => cidrContains(p, cidrRange));
}

/** The address `offset` places into a range (0: the network address). */
export function addressInCidr(cidrRange: string, offset: number): string {
    const value = bounds(cidrRange)[0] + offset;
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}
