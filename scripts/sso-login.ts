/**
 * A browserless login round trip through the real Dex and oauth2-proxy, with the files scripts/sso-configs.ts wrote
 * from the dev stack (run by scripts/sso-check.sh):
 *   tsx scripts/sso-login.ts <dir> <dex binary> <oauth2-proxy binary>
 *
 * What stands in for kind: one HTTP listener on 127.0.0.1 plays Traefik, routing by Host exactly as the dev routes
 * do (`dex.<domain>` to Dex, `auth.<domain>` to oauth2-proxy, the UI behind the forward-auth Middleware through
 * that Middleware: `GET <its address>` with the browser's headers and X-Forwarded-*, 2xx lets the request through
 * with `authResponseHeaders` copied, anything else goes back to the browser). The browser resolves `*.<domain>` to
 * that listener (what localtest.me's public DNS does, to 127.0.0.1), and oauth2-proxy reaches the issuer through
 * it as an HTTP proxy (what the CoreDNS rewrite does in the cluster). So no URL of the generated configs changes:
 * the only substitutions are the listen addresses, given as the charts give them (flags, not config):
 *   dex serve --web-http-addr 127.0.0.1:<port> --telemetry-addr 127.0.0.1:<port>   (chart: 0.0.0.0:5556, :5558)
 *   oauth2-proxy --http-address=127.0.0.1:<port> --https-address=127.0.0.1:<port> --metrics-address=127.0.0.1:<port>
 *                --config=<the generated file>   (chart: 0.0.0.0:4180, :4443, :44180), credentials by env as the
 *                chart sets them from the Secret (OAUTH2_PROXY_CLIENT_ID/_CLIENT_SECRET/_COOKIE_SECRET), and
 *                OAUTH2_PROXY_SESSION_STORE_TYPE from `sessionStorage.type`.
 */
import { ChildProcess, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as path from "path";

const [dir, dexBin, proxyBin] = process.argv.slice(2);
if (!dir || !dexBin || !proxyBin) {
    console.error("usage: tsx scripts/sso-login.ts <dir> <dex binary> <oauth2-proxy binary>");
    process.exit(2);
}
const plan = JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8"));

class StepError extends Error {}
/** Fails the run naming the step and what was received. */
function fail(step: string, detail: string): never {
    throw new StepError(`FAIL - ${step}\n${detail}`);
}
const ok = (what: string) => console.log(`ok   - ${what}`);
let checks = 0;
function expect(cond: unknown, step: string, detail: () => string): void {
    checks++;
    if (!cond) fail(step, detail());
}

// --- HTTP -------------------------------------------------------------------------------------------------------

interface Res {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
}

function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string | string[]>; body?: string }): Promise<Res> {
    return new Promise((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port, method: opts.method ?? "GET", path: opts.path, headers: opts.headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        });
        req.on("error", reject);
        req.setTimeout(15000, () => req.destroy(new Error(`timeout: ${opts.method ?? "GET"} ${opts.path}`)));
        if (opts.body) req.write(opts.body);
        req.end();
    });
}

const freePort = () =>
    new Promise<number>((resolve, reject) => {
        const s = net.createServer();
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
        s.on("error", reject);
    });

const describe = (r: Res) => `HTTP ${r.status}\n${Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${r.body.slice(0, 1500)}`;

// --- Traefik, as the dev routes configure it ---------------------------------------------------------------------

interface Ports {
    traefik: number;
    dex: number;
    dexTelemetry: number;
    proxy: number;
    proxyHttps: number;
    proxyMetrics: number;
}

/** What the UI behind the forward-auth Middleware received: the request headers, as JSON. */
function traefik(ports: Ports): http.Server {
    const fwd = plan.forwardAuth;
    const authAddress = new URL(fwd.address);
    const routes: Record<string, number> = { [new URL(plan.issuer).host]: ports.dex, [plan.proxy.host]: ports.proxy, [authAddress.host]: ports.proxy };
    return http.createServer((req, res) => {
        // A proxy-form request (oauth2-proxy, through HTTP_PROXY) names its URL; a browser's names its Host.
        const url = new URL(req.url!.startsWith("http://") ? req.url! : `http://${req.headers.host}${req.url}`);
        const headers = { ...req.headers } as Record<string, string | string[]>;
        delete headers["proxy-connection"];
        const pass = (r: Res) => {
            res.writeHead(r.status, r.headers);
            res.end(r.body);
        };
        const body: Buffer[] = [];
        req.on("data", (c) => body.push(c));
        req.on("end", async () => {
            try {
                if (url.host === fwd.host) {
                    // Traefik's forwardAuth: GET the address with the request's headers and its own X-Forwarded-*
                    // (trustForwardHeader false: the client's are replaced), on the Service's port mapped here.
                    const authHeaders: Record<string, string | string[]> = { ...headers, host: authAddress.host };
                    Object.assign(authHeaders, {
                        "x-forwarded-method": req.method!,
                        "x-forwarded-proto": "http",
                        "x-forwarded-host": url.host,
                        "x-forwarded-uri": url.pathname + url.search,
                        "x-forwarded-for": "127.0.0.1",
                    });
                    const auth = await request(routes[authAddress.host], { path: authAddress.pathname + authAddress.search, headers: authHeaders });
                    if (auth.status < 200 || auth.status >= 300) return pass(auth);
                    const seen: Record<string, string | string[] | undefined> = { ...req.headers };
                    for (const h of fwd.authResponseHeaders as string[]) seen[h.toLowerCase()] = auth.headers[h.toLowerCase()];
                    res.writeHead(200, { "content-type": "application/json" });
                    return res.end(JSON.stringify({ upstream: url.host, authStatus: auth.status, headers: seen }));
                }
                const port = routes[url.host];
                if (!port) {
                    res.writeHead(502);
                    return res.end(`no route for ${url.host}`);
                }
                pass(await request(port, { method: req.method, path: url.pathname + url.search, headers: { ...headers, host: url.host }, body: Buffer.concat(body).toString("utf8") }));
            } catch (e) {
                res.writeHead(502);
                res.end(String(e));
            }
        });
    });
}

// --- A browser: cookie jar, redirects ---------------------------------------------------------------------------

interface Cookie {
    name: string;
    value: string;
    domain: string;
    hostOnly: boolean;
    path: string;
    secure: boolean;
    sameSite: string;
}

class Browser {
    readonly cookies: Cookie[] = [];
    readonly trail: string[] = [];
    readonly refused: string[] = [];
    constructor(private readonly port: number) {}

    private store(url: URL, header: string) {
        const [pair, ...attrs] = header.split(";").map((s) => s.trim());
        const eq = pair.indexOf("=");
        const c: Cookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), domain: url.hostname, hostOnly: true, path: "/", secure: false, sameSite: "lax" };
        let expired = false;
        for (const a of attrs) {
            const [k, v = ""] = a.split("=");
            const key = k.toLowerCase();
            if (key === "domain" && v) {
                const d = v.replace(/^\./, "").toLowerCase();
                if (url.hostname !== d && !url.hostname.endsWith(`.${d}`)) {
                    this.refused.push(`${c.name}: Domain=${v} does not domain-match ${url.hostname}`);
                    return;
                }
                c.domain = d;
                c.hostOnly = false;
            } else if (key === "path") c.path = v || "/";
            else if (key === "secure") c.secure = true;
            else if (key === "samesite") c.sameSite = v.toLowerCase();
            else if (key === "max-age" && Number(v) <= 0) expired = true;
            else if (key === "expires" && Date.parse(v) <= Date.now()) expired = true;
        }
        // Browsers refuse a Secure cookie set over plain HTTP (RFC 6265bis 5.6 step 9).
        if (c.secure && url.protocol !== "https:") {
            this.refused.push(`${c.name}: Secure over ${url.protocol}//${url.host}`);
            return;
        }
        const i = this.cookies.findIndex((x) => x.name === c.name && x.domain === c.domain && x.path === c.path);
        if (i >= 0) this.cookies.splice(i, 1);
        if (!expired) this.cookies.push(c);
    }

    cookieHeader(url: URL): string {
        return this.cookies
            .filter((c) => (c.hostOnly ? url.hostname === c.domain : url.hostname === c.domain || url.hostname.endsWith(`.${c.domain}`)))
            .filter((c) => url.pathname.startsWith(c.path))
            .filter((c) => !c.secure || url.protocol === "https:")
            .map((c) => `${c.name}=${c.value}`)
            .join("; ");
    }

    /** One request; every hostname resolves to the Traefik listener (localtest.me's DNS answer is 127.0.0.1). */
    async send(method: string, href: string, body?: string, headers: Record<string, string> = {}): Promise<Res> {
        const url = new URL(href);
        const cookie = this.cookieHeader(url);
        const h: Record<string, string> = { host: url.host, accept: "text/html", ...headers, ...(cookie ? { cookie } : {}) };
        if (body) h["content-type"] = "application/x-www-form-urlencoded";
        const res = await request(this.port, { method, path: url.pathname + url.search, headers: h, body });
        for (const sc of ([] as string[]).concat(res.headers["set-cookie"] ?? [])) this.store(url, sc);
        this.trail.push(`${method} ${href} -> ${res.status}${res.headers.location ? ` ${res.headers.location}` : ""}`);
        return res;
    }

    /** Follows redirects until a non-redirect answer, or until `stop(url)` says a Location is not to be followed. */
    async go(method: string, href: string, body?: string, stop?: (url: URL) => boolean): Promise<{ res: Res; url: URL }> {
        let url = new URL(href);
        let res = await this.send(method, href, body);
        for (let i = 0; i < 20 && res.status >= 300 && res.status < 400 && res.headers.location; i++) {
            const next = new URL(res.headers.location, url);
            if (stop?.(next)) return { res, url: next };
            url = next;
            res = await this.send("GET", url.href);
        }
        return { res, url };
    }
}

// --- Dex's login form ----------------------------------------------------------------------------------------------

const unescapeHtml = (s: string) => s.replace(/&amp;/g, "&").replace(/&#43;/g, "+").replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

/** From Dex's authorize answer (a page with a login form), posts the login; returns the answer to the post. */
async function dexLogin(b: Browser, page: { res: Res; url: URL }, login: string, password: string, step: string, stop?: (url: URL) => boolean) {
    expect(page.res.status === 200 && new URL(page.url).host === new URL(plan.issuer).host, `${step}: Dex shows its login page`, () => `${b.trail.join("\n")}\n${describe(page.res)}`);
    const form = page.res.body.match(/<form[^>]*method="post"[^>]*action="([^"]*)"/i) ?? page.res.body.match(/<form[^>]*action="([^"]*)"[^>]*method="post"/i);
    expect(form && /name="password"/.test(page.res.body) && /name="login"/.test(page.res.body), `${step}: Dex's page is its password form (login, password)`, () => describe(page.res));
    const action = new URL(unescapeHtml(form![1]), page.url).href;
    return b.go("POST", action, new URLSearchParams({ login, password }).toString(), stop);
}

/**
 * Dex's `sub` for a static password user: the protobuf message {1: user ID, 2: connector ID `local`} as base64url
 * (dex server/internal IDTokenSubject).
 */
function dexSubject(userID: string, connector = "local"): string {
    const field = (tag: number, s: string) => Buffer.concat([Buffer.from([tag, Buffer.byteLength(s)]), Buffer.from(s)]);
    return b64url(Buffer.concat([field(0x0a, userID), field(0x12, connector)]));
}

// --- Tokens --------------------------------------------------------------------------------------------------------

const b64url = (buf: Buffer) => buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function verifyIdToken(b: Browser, token: string, jwksUri: string, step: string): Promise<Record<string, any>> {
    const [h, p, s] = token.split(".");
    const header = JSON.parse(Buffer.from(h, "base64url").toString());
    const jwks = JSON.parse((await b.send("GET", jwksUri, undefined, { accept: "application/json" })).body);
    const jwk = jwks.keys.find((k: any) => k.kid === header.kid);
    expect(jwk && header.alg === "RS256", `${step}: the ID token's key (${header.kid}, ${header.alg}) is in the issuer's JWKS`, () => JSON.stringify(jwks));
    const valid = crypto.verify("RSA-SHA256", Buffer.from(`${h}.${p}`), crypto.createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s, "base64url"));
    expect(valid, `${step}: the ID token's signature verifies with the issuer's key`, () => token);
    return JSON.parse(Buffer.from(p, "base64url").toString());
}

/**
 * Grafana's role from its role_attribute_path (JMESPath), for the forms components/monitoring/grafanaOidc.ts writes:
 * `(<cond> || ...) && 'Admin' || 'Viewer'` with `contains(<claim>[*], '<group>')` and `<claim> == '<value>'`, or `'Viewer'`.
 */
function grafanaRole(expr: string, claims: Record<string, any>): string {
    const str = (s: string) => s.replace(/\\'/g, "'").replace(/\\\\/g, "\\");
    if (/^'[A-Za-z]+'$/.test(expr)) return expr.slice(1, -1);
    const m = expr.match(/^\((.*)\) && '([A-Za-z]+)' \|\| '([A-Za-z]+)'$/);
    if (!m) throw new Error(`role_attribute_path ${expr}: not a form this check evaluates`);
    const holds = m[1].split(" || ").some((cond) => {
        const c = cond.match(/^contains\(([A-Za-z_]+)\[\*\], '((?:[^'\\]|\\.)*)'\)$/);
        if (c) return Array.isArray(claims[c[1]]) && claims[c[1]].includes(str(c[2]));
        const e = cond.match(/^([A-Za-z_]+) == '((?:[^'\\]|\\.)*)'$/);
        if (e) return claims[e[1]] === str(e[2]);
        throw new Error(`role_attribute_path condition ${cond}: not a form this check evaluates`);
    });
    return holds ? m[2] : m[3];
}

interface NativeClient {
    name: string;
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    scopes: string[];
    pkce: boolean;
    /** The endpoints the UI was given (Grafana's and JupyterHub's are explicit; Airflow's come from discovery). */
    endpoints?: { authorize: string; token: string; userInfo: string };
    /** What the UI reads from the tokens: the role it maps the admin to. */
    role: (idClaims: Record<string, any>, userinfo: Record<string, any>) => { username: unknown; admin: boolean; detail: string };
}

async function main() {
    const ports: Ports = {
        traefik: await freePort(),
        dex: await freePort(),
        dexTelemetry: await freePort(),
        proxy: await freePort(),
        proxyHttps: await freePort(),
        proxyMetrics: await freePort(),
    };
    const children: ChildProcess[] = [];
    const byName = new Map<string, ChildProcess>();
    const logs: Record<string, string> = { dex: path.join(dir, "dex.log"), "oauth2-proxy": path.join(dir, "oauth2-proxy.log") };
    const server = traefik(ports);
    await new Promise<void>((r) => server.listen(ports.traefik, "127.0.0.1", r));
    const start = (name: string, bin: string, args: string[], env: Record<string, string>) => {
        const out = fs.openSync(logs[name], "w");
        const child = spawn(bin, args, { stdio: ["ignore", out, out], env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });
        children.push(child);
        byName.set(name, child);
        child.on("exit", (code, signal) => {
            if (!stopping) console.error(`${name} exited (${code ?? signal}); its log:\n${fs.readFileSync(logs[name], "utf8")}`);
        });
        return child;
    };
    let stopping = false;
    const stopAll = async () => {
        stopping = true;
        server.close();
        await Promise.all(
            children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => {
                c.once("exit", resolve);
                c.kill("SIGTERM");
            })),
        );
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => void stopAll().then(() => process.exit(1)));
    }
    const waitFor = async (what: string, port: number, p: string, log: string) => {
        for (let i = 0; i < 100; i++) {
            const r = await request(port, { path: p }).catch(() => undefined);
            if (r && r.status === 200) return;
            await new Promise((res) => setTimeout(res, 200));
        }
        fail(`${what} answers on 127.0.0.1:${port}${p}`, fs.readFileSync(log, "utf8"));
    };
    let passed = false;
    try {
        // --- the binaries are the ones the charts run ---
        await runVersions(dexBin, proxyBin);

        start("dex", dexBin, ["serve", "--web-http-addr", `127.0.0.1:${ports.dex}`, "--telemetry-addr", `127.0.0.1:${ports.dexTelemetry}`, path.join(dir, "dex.yaml")], {});
        await waitFor("Dex", ports.dexTelemetry, "/healthz/ready", logs.dex);
        const warnings = fs.readFileSync(logs.dex, "utf8").split("\n").filter((l) => /level=WARN/.test(l));
        expect(warnings.length === 0, "Dex starts without a warning about the generated config (deprecated or ignored settings)", () => warnings.join("\n"));
        ok(`Dex ${plan.versions.dex} serves the generated config (issuer ${plan.issuer}) on 127.0.0.1:${ports.dex}, without warnings`);
        start(
            "oauth2-proxy",
            proxyBin,
            [`--http-address=127.0.0.1:${ports.proxy}`, `--https-address=127.0.0.1:${ports.proxyHttps}`, `--metrics-address=127.0.0.1:${ports.proxyMetrics}`, `--config=${path.join(dir, "oauth2-proxy.cfg")}`],
            {
                OAUTH2_PROXY_CLIENT_ID: plan.proxy.clientId,
                OAUTH2_PROXY_CLIENT_SECRET: plan.proxy.clientSecret,
                OAUTH2_PROXY_COOKIE_SECRET: plan.proxy.cookieSecret,
                OAUTH2_PROXY_SESSION_STORE_TYPE: plan.proxy.sessionStorage,
                // The CoreDNS rewrite's stand-in: the issuer's host reaches "Traefik".
                HTTP_PROXY: `http://127.0.0.1:${ports.traefik}`,
                http_proxy: `http://127.0.0.1:${ports.traefik}`,
            },
        );
        await waitFor("oauth2-proxy", ports.proxy, "/ping", logs["oauth2-proxy"]);
        ok(`oauth2-proxy ${plan.versions.oauth2Proxy} starts with the generated config (it read the issuer's discovery document) on 127.0.0.1:${ports.proxy}`);

        await forwardAuthFlow(ports);
        await nativeClients(ports);
        await wrongPassword(ports);
        memoryFits(byName);
        console.log(`sso: login round trips passed (${checks} checks)`);
        passed = true;
    } catch (e) {
        console.error(e instanceof StepError ? e.message : e);
    } finally {
        await stopAll();
        if (!passed) {
            for (const [name, log] of Object.entries(logs)) {
                if (fs.existsSync(log)) console.error(`--- the last lines of ${name}'s log:\n${fs.readFileSync(log, "utf8").trimEnd().split("\n").slice(-15).join("\n")}`);
            }
            process.exitCode = 1;
        }
    }
}

async function runVersions(dexBin: string, proxyBin: string) {
    const { execFileSync } = await import("child_process");
    const dexV = execFileSync(dexBin, ["version"], { encoding: "utf8" });
    const proxyV = execFileSync(proxyBin, ["--version"], { encoding: "utf8" });
    expect(dexV.includes(`Dex Version: ${plan.versions.dex}`), `dex version is the image tag the program pins (${plan.versions.dex})`, () => dexV);
    expect(proxyV.includes(`oauth2-proxy ${plan.versions.oauth2Proxy}`), `oauth2-proxy version is the image tag the program pins (${plan.versions.oauth2Proxy})`, () => proxyV);
}

/** A UI behind oauth2-proxy, as a browser reaches it through Traefik's forward-auth Middleware. */
async function forwardAuthFlow(ports: Ports) {
    const b = new Browser(ports.traefik);
    const ui = `http://${plan.forwardAuth.host}/some/page?x=1`;
    const authEndpoint = `http://${plan.proxy.host}/oauth2/auth`;

    const anon = await b.send("GET", authEndpoint);
    expect(anon.status === 401, "without a session, oauth2-proxy's /oauth2/auth answers 401", () => describe(anon));
    ok("without a session, /oauth2/auth answers 401");

    // 1. The UI, through the Middleware: oauth2-proxy sends the browser to Dex (skip_provider_button).
    const first = await b.send("GET", ui);
    expect(first.status === 302 && first.headers.location?.startsWith(`${plan.issuer}/auth?`), `GET ${ui} through the forward-auth Middleware redirects to Dex's authorize endpoint`, () => describe(first));
    const authorize = new URL(first.headers.location!);
    const q = authorize.searchParams;
    expect(q.get("client_id") === plan.proxy.clientId && q.get("redirect_uri") === plan.redirectUris["oauth2-proxy"][0] && q.get("code_challenge_method") === "S256", "oauth2-proxy's authorize request names its client, its registered callback and PKCE S256", () => authorize.href);
    ok(`GET ${ui} -> 302 to Dex (client ${q.get("client_id")}, scope "${q.get("scope")}", redirect_uri ${q.get("redirect_uri")})`);

    // 2. Dex: its password form, the admin's login, straight back to oauth2-proxy's callback (no approval screen).
    const page = await b.go("GET", authorize.href);
    const back = await dexLogin(b, page, plan.admin.email, plan.admin.password, "forward-auth login");
    expect(!b.trail.some((t) => /\/approval\?/.test(t) && / -> 200/.test(t)), "Dex shows no approval screen (skipApprovalScreen)", () => b.trail.join("\n"));
    expect(b.trail.some((t) => t.startsWith(`GET ${plan.redirectUris["oauth2-proxy"][0]}?code=`)), "Dex sends the browser to oauth2-proxy's callback with a code", () => `${b.trail.join("\n")}\n${describe(back.res)}`);
    expect(b.refused.length === 0, "the browser keeps every cookie oauth2-proxy sets (Secure only over HTTPS, Domain matching the host)", () => b.refused.join("\n"));
    const session = b.cookies.find((c) => c.name === "_oauth2_proxy");
    expect(session && session.domain === plan.domain && !session.hostOnly, `oauth2-proxy's session cookie is set for .${plan.domain}`, () => JSON.stringify(b.cookies, null, 1));

    // 3. Back at the UI: the Middleware lets the request through, with the user headers the Middleware forwards.
    expect(back.url.href === ui && back.res.status === 200, `after the callback the browser is back at ${ui}, let through`, () => `${b.trail.join("\n")}\n${describe(back.res)}`);
    const seen = JSON.parse(back.res.body).headers as Record<string, string>;
    const want: Record<string, (v: string | undefined) => boolean> = {
        // oauth2-proxy's user is the ID token's `sub`: Dex's, opaque (its user ID and connector, see dexSubject).
        "x-auth-request-user": (v) => v === dexSubject(plan.admin.userID),
        "x-auth-request-email": (v) => v === plan.admin.email,
        "x-auth-request-groups": (v) => (v ?? "").split(",").includes(plan.admin.groups[0]),
        "x-auth-request-preferred-username": (v) => v === plan.admin.preferredUsername,
    };
    for (const h of plan.forwardAuth.authResponseHeaders as string[]) {
        expect(want[h.toLowerCase()]?.(seen[h.toLowerCase()]), `the UI receives ${h} from the Middleware's authResponseHeaders`, () => JSON.stringify(seen, null, 1));
    }
    ok(`signed in through Dex: the UI behind the Middleware got ${(plan.forwardAuth.authResponseHeaders as string[]).map((h) => `${h}=${seen[h.toLowerCase()]}`).join(" ")}`);

    // 4. /oauth2/auth with the session: 202 and exactly the headers the Middleware forwards.
    const authed = await b.send("GET", authEndpoint);
    expect(authed.status === 202, "with the session cookie, /oauth2/auth answers 202", () => describe(authed));
    const sent = Object.keys(authed.headers).filter((h) => h.startsWith("x-auth-request-")).sort();
    const forwarded = (plan.forwardAuth.authResponseHeaders as string[]).map((h) => h.toLowerCase()).sort();
    expect(JSON.stringify(sent) === JSON.stringify(forwarded), "the X-Auth-Request-* headers oauth2-proxy sends are the Middleware's authResponseHeaders", () => `oauth2-proxy sends ${sent.join(", ")}\nthe Middleware forwards ${forwarded.join(", ")}`);
    ok(`with the session, /oauth2/auth answers 202 with ${sent.join(", ")} (= the Middleware's authResponseHeaders)`);
}

/** Each UI that speaks OIDC itself: the authorization-code flow as that UI, with its own client and callback. */
async function nativeClients(ports: Ports) {
    const b0 = new Browser(ports.traefik);
    const discovery = JSON.parse((await b0.send("GET", `${plan.issuer}/.well-known/openid-configuration`, undefined, { accept: "application/json" })).body);
    expect(discovery.issuer === plan.issuer, "the discovery document's issuer is the configured issuer", () => JSON.stringify(discovery));
    const adminGroup = plan.admin.groups[0];
    const g = plan.clients.grafana;
    const a = plan.clients.airflow;
    const n = plan.clients.notebooks;
    const o = plan.proxy;
    const clients: NativeClient[] = [
        {
            // oauth2-proxy's own exchange, to see what its scopes get: the claims it reads, and a refresh token when
            // it asks for one (offline_access), which must refresh with the groups still there.
            name: "oauth2-proxy",
            clientId: o.clientId,
            clientSecret: o.clientSecret,
            redirectUri: o.redirectUrl,
            scopes: o.scopes,
            pkce: o.pkce,
            role: (id) => ({ username: id[o.emailClaim], admin: (id[o.groupsClaim] ?? []).includes(adminGroup), detail: `${o.groupsClaim} = ${JSON.stringify(id[o.groupsClaim])}` }),
        },
        {
            name: "grafana",
            clientId: g.clientId,
            clientSecret: g.clientSecret,
            redirectUri: g.redirectUri,
            scopes: g.scopes,
            pkce: g.pkce,
            endpoints: { authorize: g.authUrl, token: g.tokenUrl, userInfo: g.userInfoUrl },
            role: (id, info) => {
                // Grafana evaluates role_attribute_path on the ID token's claims, then on userinfo's.
                const role = grafanaRole(g.roleAttributePath, id);
                return { username: id[g.loginAttributePath] ?? info[g.loginAttributePath], admin: role === "Admin" && grafanaRole(g.roleAttributePath, info) === "Admin", detail: `role_attribute_path ${g.roleAttributePath} -> ${role}` };
            },
        },
        {
            name: "airflow",
            clientId: a.clientId,
            clientSecret: a.clientSecret,
            // FAB's callback on the Airflow host: the one Airflow registered must end in its provider's name.
            redirectUri: plan.redirectUris.airflow.find((u: string) => u.endsWith(`/auth/oauth-authorized/${a.providerName}`)) ?? fail("airflow", `no registered redirect URI ends in /auth/oauth-authorized/${a.providerName}: ${plan.redirectUris.airflow}`),
            scopes: a.scopes,
            pkce: a.pkce,
            role: (id) => {
                // webserver_config.py: authlib's userinfo is the ID token's claims; role keys are its groups.
                const keys: string[] = a.groupsClaim ? id[a.groupsClaim] ?? [] : [];
                const roles = keys.flatMap((k) => a.rolesMapping[k] ?? []);
                return { username: id[a.usernameClaim], admin: roles.includes("Admin"), detail: `AUTH_ROLES_MAPPING of ${JSON.stringify(keys)} -> ${JSON.stringify(roles)}` };
            },
        },
        {
            name: "notebooks",
            clientId: n.clientId,
            clientSecret: n.clientSecret,
            redirectUri: n.oauth_callback_url,
            scopes: n.scope,
            pkce: false,
            endpoints: { authorize: n.authorize_url, token: n.token_url, userInfo: n.userdata_url },
            role: (_id, info) => {
                // GenericOAuthenticator: the user from userdata_url's username_claim; groups from auth_state.<key>,
                // where auth_state.oauth_user is that userinfo answer.
                const key = String(n.auth_state_groups_key).replace(/^oauth_user\./, "");
                const groups: string[] = info[key] ?? [];
                return { username: info[n.username_claim], admin: (n.admin_groups ?? []).some((x: string) => groups.includes(x)), detail: `${n.auth_state_groups_key} = ${JSON.stringify(groups)}, admin_groups ${JSON.stringify(n.admin_groups)}` };
            },
        },
    ];
    for (const c of clients) {
        const step = `${c.name} (client ${c.clientId})`;
        const endpoints = c.endpoints ?? { authorize: discovery.authorization_endpoint, token: discovery.token_endpoint, userInfo: discovery.userinfo_endpoint };
        expect(
            endpoints.authorize === discovery.authorization_endpoint && endpoints.token === discovery.token_endpoint && endpoints.userInfo === discovery.userinfo_endpoint,
            `${step}: its authorize, token and userinfo URLs are the issuer's`,
            () => `${JSON.stringify(endpoints)}\ndiscovery: ${JSON.stringify(discovery)}`,
        );
        expect(plan.redirectUris[c.name]?.includes(c.redirectUri), `${step}: its callback ${c.redirectUri} is among the redirect URIs it registered`, () => JSON.stringify(plan.redirectUris));
        const b = new Browser(ports.traefik);
        const state = b64url(crypto.randomBytes(16));
        const nonce = b64url(crypto.randomBytes(16));
        const verifier = b64url(crypto.randomBytes(32));
        const params = new URLSearchParams({ response_type: "code", client_id: c.clientId, redirect_uri: c.redirectUri, scope: c.scopes.join(" "), state, nonce });
        if (c.pkce) {
            params.set("code_challenge", b64url(crypto.createHash("sha256").update(verifier).digest()));
            params.set("code_challenge_method", "S256");
        }
        const atCallback = (u: URL) => u.href.startsWith(`${c.redirectUri}?`);
        const page = await b.go("GET", `${endpoints.authorize}?${params}`, undefined, atCallback);
        const back = await dexLogin(b, page, plan.admin.email, plan.admin.password, step, atCallback);
        expect(atCallback(back.url) && back.url.searchParams.get("state") === state && back.url.searchParams.get("code"), `${step}: Dex sends the browser to ${c.redirectUri} with a code and the state`, () => `${b.trail.join("\n")}\n${describe(back.res)}`);
        const form = new URLSearchParams({ grant_type: "authorization_code", code: back.url.searchParams.get("code")!, redirect_uri: c.redirectUri, ...(c.pkce ? { code_verifier: verifier } : {}) });
        const basic = Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString("base64");
        const tokenRes = await b.send("POST", endpoints.token, form.toString(), { authorization: `Basic ${basic}`, accept: "application/json" });
        expect(tokenRes.status === 200, `${step}: the token endpoint exchanges the code with the client's secret`, () => describe(tokenRes));
        const tokens = JSON.parse(tokenRes.body);
        expect(tokens.id_token && tokens.access_token, `${step}: it returns an ID token and an access token`, () => tokenRes.body);
        const id = await verifyIdToken(b, tokens.id_token, discovery.jwks_uri, step);
        expect(id.iss === plan.issuer && id.aud === c.clientId && id.nonce === nonce && id.exp * 1000 > Date.now(), `${step}: the ID token's iss, aud, nonce and exp are right`, () => JSON.stringify(id));
        expect(id.sub === dexSubject(plan.admin.userID), `${step}: the ID token's sub is Dex's subject for the admin (user ID ${plan.admin.userID}, connector local)`, () => JSON.stringify(id));
        expect(id.email === plan.admin.email && id.email_verified === true, `${step}: the ID token carries the admin's verified email`, () => JSON.stringify(id));
        expect(Array.isArray(id.groups) && id.groups.includes(adminGroup), `${step}: the ID token's groups claim has ${adminGroup}`, () => JSON.stringify(id));
        const infoRes = await b.send("GET", endpoints.userInfo, undefined, { authorization: `Bearer ${tokens.access_token}`, accept: "application/json" });
        expect(infoRes.status === 200, `${step}: userinfo answers with the access token`, () => describe(infoRes));
        const info = JSON.parse(infoRes.body);
        let refreshed = "";
        if (c.scopes.includes("offline_access")) {
            expect(tokens.refresh_token, `${step}: with offline_access, the token endpoint returns a refresh token`, () => tokenRes.body);
            const again = await b.send("POST", endpoints.token, new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }).toString(), { authorization: `Basic ${basic}`, accept: "application/json" });
            expect(again.status === 200, `${step}: the refresh token refreshes`, () => describe(again));
            const renewed = await verifyIdToken(b, JSON.parse(again.body).id_token, discovery.jwks_uri, step);
            expect(renewed.email === plan.admin.email && renewed.groups?.includes(adminGroup), `${step}: the refreshed ID token keeps the email and groups`, () => JSON.stringify(renewed));
            refreshed = "; the refresh token refreshes (groups kept)";
        } else {
            expect(!tokens.refresh_token, `${step}: without offline_access, no refresh token`, () => tokenRes.body);
        }
        const r = c.role(id, info);
        expect(r.username === plan.admin.email, `${step}: the username the UI reads is the admin's email`, () => `${JSON.stringify(r)}\nID token: ${JSON.stringify(id)}\nuserinfo: ${JSON.stringify(info)}`);
        expect(r.admin, `${step}: the admin maps to the UI's admin role`, () => `${r.detail}\nID token: ${JSON.stringify(id)}\nuserinfo: ${JSON.stringify(info)}`);
        ok(`${c.name}: code flow as client ${c.clientId} (scope "${c.scopes.join(" ")}"${c.pkce ? ", PKCE" : ""}) -> ID token for ${id.email}, groups ${JSON.stringify(id.groups)}; ${r.detail}${refreshed}`);
    }
}

/** Each server's peak resident memory over the round trips (VmHWM) against what its dev pod requests. */
function memoryFits(servers: Map<string, ChildProcess>) {
    servers.forEach((child, name) => {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
        const kib = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m"))?.[1] ?? NaN);
        const peakMiB = kib("VmHWM") / 1024;
        const request: string = plan.memoryRequests[name];
        const requestMiB = Number(request.match(/^(\d+)Mi$/)?.[1] ?? fail(`${name}: memory request ${request}`, "expected a quantity in Mi"));
        expect(peakMiB <= requestMiB, `${name}'s peak memory in the round trips fits its dev request (${request})`, () => `VmHWM ${peakMiB.toFixed(1)} MiB`);
        ok(`${name}: peak RSS ${peakMiB.toFixed(1)} MiB (now ${(kib("VmRSS") / 1024).toFixed(1)}) over the round trips, within its dev request ${request}`);
    });
}

async function wrongPassword(ports: Ports) {
    const b = new Browser(ports.traefik);
    const first = await b.send("GET", `http://${plan.forwardAuth.host}/`);
    const page = await b.go("GET", first.headers.location ?? fail("wrong password", describe(first)));
    const res = await dexLogin(b, page, plan.admin.email, `${plan.admin.password}-wrong`, "wrong password");
    expect(
        !b.trail.some((t) => t.includes("/oauth2/callback")) && !b.cookies.some((c) => c.name === "_oauth2_proxy") && /Invalid (Email Address|username) and password/i.test(res.res.body),
        "a wrong password is refused (Dex shows its form again, no code, no session)",
        () => `${b.trail.join("\n")}\n${describe(res.res)}`,
    );
    ok("a wrong password is refused: Dex shows its form again with \"Invalid Email Address and password\", no session");
}

main().catch((e) => {
    console.error(e instanceof StepError ? e.message : e);
    process.exit(1);
});
