/**
 * PromQL checks with Prometheus's own lezer grammar: whether an expression parses without error nodes, and which
 * metric names its vector selectors reference.
 */
import { parser } from "@prometheus-io/lezer-promql";

export interface PromqlAnalysis {
    /** Positions and text around every error node; empty when the expression parses cleanly. */
    readonly errors: string[];
    /** Metric names of the vector selectors (`foo` in `rate(foo{a="b"}[5m])`). */
    readonly metrics: string[];
    /** Every vector selector: its metric name and the label names it matches on. */
    readonly selectors: { readonly metric: string; readonly labels: string[] }[];
}

export function analyzePromql(expr: string): PromqlAnalysis {
    const tree = parser.parse(expr);
    const errors: string[] = [];
    const metrics: string[] = [];
    const selectors: { metric: string; labels: string[] }[] = [];
    tree.iterate({
        enter: (node) => {
            if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 15), node.to + 15)}"`);
            if (node.name === "VectorSelector") {
                const metric = node.node.getChild("Identifier");
                const labels: string[] = [];
                const matchers = node.node.getChild("LabelMatchers");
                for (let m = matchers?.firstChild; m; m = m.nextSibling) {
                    const label = m.getChild("LabelName");
                    if (label) labels.push(expr.slice(label.from, label.to));
                }
                if (metric) {
                    const name = expr.slice(metric.from, metric.to);
                    metrics.push(name);
                    selectors.push({ metric: name, labels });
                }
            }
        },
    });
    if (!expr.trim()) errors.push("empty expression");
    return { errors, metrics: [...new Set(metrics)], selectors };
}

/** Problems with `expr`: parse errors, or metric names outside `known`. */
export function promqlProblems(expr: string, known: ReadonlySet<string>): string[] {
    const { errors, metrics } = analyzePromql(expr);
    return [...errors.map((e) => `parse error ${e}`), ...metrics.filter((m) => !known.has(m)).map((m) => `unknown metric ${m}`)];
}
