import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as k8s from "@pulumi/kubernetes";
import { InferenceServiceSpec, ObjectStorage, Serving, ServingArgs } from "../../components";
import { runProgram } from "../harness";

const publicModels: InferenceServiceSpec[] = [
    { name: "iris", modelFormat: "sklearn", storageUri: "gs://kfserving-examples/models/sklearn/1.0/model" },
    { name: "bert", modelFormat: "huggingface", storageUri: "hf://google-bert/bert-base-uncased", namespace: "ml-nlp" },
];

const serve = (args: Partial<ServingArgs>) => () => new Serving("serving", { environment: "dev", certManager: "preinstalled", ...args } as ServingArgs, { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] });

describe("Serving without a platform object store", async () => {
    const run = await runProgram(serve({ models: publicModels }));

    it("serves models at their own URIs: no grant, no credentials, the ServiceAccount without annotations", () => {
        const isvcs = run.byType("kubernetes:serving.kserve.io/v1beta1:InferenceService");
        assert.deepEqual(isvcs.map((i) => i.inputs.spec.predictor.model.storageUri).sort(), [publicModels[0].storageUri, publicModels[1].storageUri].sort());
        assert.deepEqual(run.byType("kubernetes:core/v1:Secret"), []);
        assert.deepEqual(run.byType("kubernetes:core/v1:SecretPatch"), []);
        for (const sa of run.byType("kubernetes:core/v1:ServiceAccount")) {
            assert.deepEqual([sa.inputs.metadata.annotations ?? {}, sa.inputs.secrets ?? []], [{}, []]);
        }
        assert.deepEqual(run.result.connections, []);
        assert.deepEqual(
            run.result.flows.filter((f) => f.ports.includes(443) && typeof f.to === "object" && "cidr" in f.to).map((f) => f.from).sort(),
            ["ml-nlp", "ml-serving"],
            "each model namespace downloads from outside",
        );
    });

    it("a model or arg that needs the platform's store is refused before anything is registered, naming it", async () => {
        const cases: [Partial<ServingArgs>, RegExp][] = [
            [
                { models: [{ name: "churn", modelFormat: "sklearn", storageUri: "mlflow-artifacts:/1/models/m-1/artifacts" }] },
                /Serving serving: objectStore is not given, but models churn \(mlflow-artifacts:\/1\/models\/m-1\/artifacts\) read mlflow-artifacts:\/, which resolves into it\. Expected objectStore/,
            ],
            [{ modelBuckets: ["models"] }, /objectStore is not given, but modelBuckets \["models"\] names its buckets/],
            [{ mlflowArtifactsBucket: "mlflow" }, /objectStore is not given, but mlflowArtifactsBucket "mlflow" names its bucket/],
        ];
        for (const [args, error] of cases) {
            const bad = await runProgram(() => {
                assert.throws(serve(args), error);
            });
            assert.deepEqual(bad.resources.filter((r) => r.type !== "pulumi:providers:kubernetes"), []);
        }
    });
});

describe("Serving on an existing S3-compatible store", () => {
    it("the models' copy of the store's credential carries KServe's endpoint, HTTPS and region annotations", async () => {
        const run = await runProgram(() => {
            const opts = { providers: [new k8s.Provider("k8s", { kubeconfig: "{}" })] };
            const store = new ObjectStorage(
                "storage",
                {
                    flavor: "minio",
                    existing: { endpoint: "https://s3.eu-west-1.amazonaws.com", region: "eu-west-1", buckets: { mlflow: "team-a-mlflow" }, credentials: { namespace: "s", name: "k" } },
                },
                opts,
            );
            return new Serving("serving", { environment: "dev", certManager: "preinstalled", objectStore: store, models: [{ name: "churn", modelFormat: "sklearn", storageUri: "mlflow-artifacts:/1/models/m-1/artifacts" }] }, opts);
        });
        assert.deepEqual(run.one("kubernetes:core/v1:SecretPatch").inputs.metadata.annotations, {
            "serving.kserve.io/s3-endpoint": "s3.eu-west-1.amazonaws.com",
            "serving.kserve.io/s3-usehttps": "1",
            "serving.kserve.io/s3-region": "eu-west-1",
        });
        assert.equal(run.one("kubernetes:serving.kserve.io/v1beta1:InferenceService").inputs.spec.predictor.model.storageUri, "s3://team-a-mlflow/1/models/m-1/artifacts");
    });
});
