import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FEATURE_SERVER_URL_ENV } from "../../components/serving";
import { constructStack } from "../harness";

describe("serving: models are the feature store's clients", () => {
    it("dev: every predictor has the feature server's URL, and its namespace the declared flow to the server's pods", async () => {
        const run = await constructStack("dev");
        const services = run.byType("kubernetes:serving.kserve.io/v1beta1:InferenceService");
        assert.ok(services.length > 0, "the example model");
        for (const isvc of services) {
            assert.deepEqual(isvc.inputs.spec.predictor.model.env, [{ name: FEATURE_SERVER_URL_ENV, value: "http://feast.ml-featurestore.svc.cluster.local:6566" }], isvc.name);
        }
        const record = run.result.connections.find((c) => c.kind === "feast" && c.from === "ml-serving");
        assert.ok(record, "recorded as the serving namespace's connection");
        assert.ok(
            run.result.flows.some((f) => f.from === "ml-serving" && f.to === "ml-featurestore" && f.ports.includes(6566)),
            "the NetworkPolicies let the model pods reach the feature server",
        );
    });

    it("without a feature store no predictor carries the variable", async () => {
        const run = await constructStack("dev", { "ml-platform:components": { featureStore: false } });
        for (const isvc of run.byType("kubernetes:serving.kserve.io/v1beta1:InferenceService")) assert.equal(isvc.inputs.spec.predictor.model.env, undefined);
    });
});
