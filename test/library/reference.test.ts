import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, it } from "node:test";
import { componentReference, REFERENCE_FILE } from "../../scripts/component-reference";

describe("library: the component reference", () => {
    it("components/README.md lists every exported component's args and outputs as the sources have them now (npm run reference)", () => {
        const reference = componentReference();
        assert.equal(fs.readFileSync(REFERENCE_FILE, "utf8"), reference);
        for (const component of ["Cluster", "ObjectStorage", "PostgresServer", "Lakehouse", "Streaming", "Orchestrator", "Tracking", "Serving", "Monitoring", "Compute"]) {
            assert.match(reference, new RegExp(`^## ${component}$`, "m"));
        }
    });
});
