import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, it } from "node:test";
import { componentReference, REFERENCE_FILE } from "../../scripts/component-reference";
import { namesCreated } from "../../scripts/component-names";

describe("library: the component reference", () => {
    it("components/README.md lists every exported component's args, outputs and created names as the sources have them now (npm run reference)", async () => {
        const reference = componentReference(await namesCreated());
        assert.equal(fs.readFileSync(REFERENCE_FILE, "utf8"), reference);
        for (const component of ["Cluster", "ObjectStorage", "PostgresServer", "Lakehouse", "Streaming", "Orchestrator", "Tracking", "Serving", "Monitoring", "Compute"]) {
            assert.match(reference, new RegExp(`^## ${component}$`, "m"));
        }
        assert.match(reference, /^Creates, with its defaults: .*`Deployment ml-tracking\/mlflow`/m);
    });
});
