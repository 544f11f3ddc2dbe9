// scripts/e2e-nochange.mjs: reads `pulumi preview --json` on stdin (the preview right after `pulumi up`) and says
// whether it plans changes. One kind of change is expected on the e2e's API server and reported apart: the replacement
// of a Job annotated `pulumi.com/replaceUnready: "true"` with no input diff — no kubelet runs, so the Job never
// completes, and the kubernetes provider replaces an unready Job on every update by design of that annotation.
// Exit 0: no change (or only those); 1: other changes (printed); 2: unreadable input.
let s = "";
process.stdin.on("data", (c) => (s += c)).on("end", () => {
    let d;
    try { d = JSON.parse(s); } catch (e) { console.log(`unreadable preview JSON: ${e.message}`); process.exit(2); }
    const expected = [], other = [];
    for (const st of d.steps ?? []) {
        if (["same", "read"].includes(st.op)) continue;
        const st8 = st.newState ?? st.oldState ?? {};
        const type = st8.type ?? "?";
        const name = (st.urn ?? "").split("::").pop();
        const ann = st8.inputs?.metadata?.annotations ?? {};
        const diffs = [...(st.diffReasons ?? []), ...Object.keys(st.detailedDiff ?? {})];
        if (type === "kubernetes:batch/v1:Job" && ann["pulumi.com/replaceUnready"] === "true" && st.op.includes("replace") && diffs.length === 0) {
            expected.push(name);
        } else {
            other.push(`${st.op} ${type} ${name}: ${diffs.length ? [...new Set(diffs)].join(", ") : "(no diff reason given)"}`);
        }
    }
    if (expected.length) console.log(`EXPECTED without a kubelet: ${expected.length} unready Job(s) with replaceUnready would be replaced: ${expected.join(" ")}`);
    for (const o of other) console.log(`CHANGE ${o}`);
    process.exit(other.length ? 1 : 0);
});
