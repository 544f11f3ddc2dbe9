/**
 * The dev budget: what the whole dev platform, every component on and no notebook server running, may request.
 * Issue 9 set 4 vCPU and 6 GiB for the platform of that issue. Each capability added since has its own line, sized
 * by measuring its processes (issue 18's rule: raise the budget only with a measured reason), so that every line can
 * be checked against its components' requests and no part grows unnoticed. Pure data and arithmetic.
 */
import type { FootprintReport } from "./footprint";

export interface BudgetLine {
    /** Footprint components (see `componentOf`) this line covers. */
    readonly components: readonly string[];
    /** Memory they may request together, in MiB. */
    readonly memoryMiB: number;
    /** Where the number comes from. */
    readonly why: string;
}

export const DEV_CPU_BUDGET = 4;

export const DEV_MEMORY_BUDGET: readonly BudgetLine[] = [
    {
        components: ["storage", "postgres", "lakehouse", "streaming", "orchestrator", "tracking", "serving", "monitoring", "ingress", "certmanager", "compute"],
        memoryMiB: 6144 + 608 + 96,
        why:
            "issue 9's 6 GiB; compute's idle operators (issue 19) fit inside it. Plus what measuring found over its requests: 608 MiB for Airflow " +
            "(scripts/measure-airflow-memory.sh: scheduler, DAG processor and triggerer hold 425, 459 and 191 MiB; they requested 192, 192, 128) " +
            "and 96 MiB for MLflow (scripts/measure-mlflow-memory.sh: 473 MiB under load; it requested 384)",
    },
    { components: ["featurestore"], memoryMiB: 256, why: "issue 18: one Feast feature server, 242-246 MiB PSS measured" },
    { components: ["notebooks"], memoryMiB: 256, why: "issue 20: JupyterHub's hub 184 MiB PSS with its idle culler, configurable-http-proxy 58 MiB RSS, measured" },
    { components: ["identity"], memoryMiB: 80, why: "issue 20: Dex 36 MiB and oauth2-proxy 22 MiB peak RSS over `npm run test:sso`'s logins, which checks each fits its request" },
    {
        components: ["feedback"],
        memoryMiB: 164,
        why: "issue 21: KServe's agent beside the logging example model (100Mi, fixed by the KServe chart) and the Vector receiver (64Mi, not measured)",
    },
];

export interface BudgetRow extends BudgetLine {
    /** What the line's components request, in MiB. */
    readonly requestedMiB: number;
}

/** Each budget line with what its components request, and the components no line covers. */
export function budgetRows(report: FootprintReport, lines: readonly BudgetLine[] = DEV_MEMORY_BUDGET): { rows: BudgetRow[]; uncovered: string[] } {
    const mib = (c: string) => (report.byComponent[c]?.requests.memory ?? 0) / 2 ** 20;
    const rows = lines.map((l) => ({ ...l, requestedMiB: l.components.reduce((sum, c) => sum + mib(c), 0) }));
    const covered = new Set(lines.flatMap((l) => l.components));
    return { rows, uncovered: Object.keys(report.byComponent).filter((c) => !covered.has(c)) };
}

/** The budget as a Markdown table, for `npm run footprint -- --stack dev`. */
export function formatBudget(report: FootprintReport): string {
    const { rows, uncovered } = budgetRows(report);
    const total = rows.reduce((sum, r) => sum + r.memoryMiB, 0);
    const requested = report.total.requests.memory / 2 ** 20;
    return [
        "Dev budget (memory requested, MiB)",
        "",
        "| components | budget | requested | why |",
        "| --- | --- | --- | --- |",
        ...rows.map((r) => `| ${r.components.join(", ")} | ${r.memoryMiB} | ${Math.round(r.requestedMiB)}${r.requestedMiB > r.memoryMiB ? " **over**" : ""} | ${r.why} |`),
        ...(uncovered.length ? [`| ${uncovered.join(", ")} | none | ${uncovered.map((c) => Math.round(report.byComponent[c].requests.memory / 2 ** 20)).join(", ")} **no budget line** | |`] : []),
        `| **total** | **${total}** | **${Math.round(requested)}** | CPU: ${Number(report.total.requests.cpu.toFixed(3))} of ${DEV_CPU_BUDGET} vCPU |`,
    ].join("\n");
}
