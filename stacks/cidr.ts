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
    return ipInCidr(inner.split("/")[0], outer) && Number(outer.split("/")[1]) <= Number(inner.split("/")[1]);
}
