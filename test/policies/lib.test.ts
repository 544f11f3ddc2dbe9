import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { imagePinProblem } from "../../policies/lib/images";
import { walkValues } from "../../policies/lib/helm";
import { isLiteralSecretValue, isSecretName, words } from "../../policies/lib/secrets";
import { allowedDisruptions, selects } from "../../policies/kubernetes/pdb-for-replicated-workloads";

describe("policy helpers: secret names", () => {
    it("splits env and camel-case names into words", () => {
        assert.deepEqual(words("AIRFLOW__CORE__FERNET_KEY"), ["AIRFLOW", "CORE", "FERNET", "KEY"]);
        assert.deepEqual(words("webserverSecretKey"), ["WEBSERVER", "SECRET", "KEY"]);
        assert.deepEqual(words("api-key"), ["API", "KEY"]);
    });

    it("knows secrets by word", () => {
        const secret = ["DB_PASSWORD", "PGPASSWORD", "MINIO_ROOT_PASSWORD", "HF_TOKEN", "API_KEY", "AIRFLOW__CORE__FERNET_KEY",
            "AIRFLOW__WEBSERVER__SECRET_KEY", "adminPassword", "webserverSecretKey", "fernetKey", "awsSecretAccessKey", "pass", "secretKey",
            "GOOGLE_APPLICATION_CREDENTIALS_JSON", "privateKey", "token", "OPENAI_API_KEY", "tlsKey", "SECRET_KEY_BASE", "MINIO_SECRET_KEY"];
        for (const name of secret) assert.equal(isSecretName(name), true, name);
    });

    it("does not mistake references or look-alikes for secrets", () => {
        const notSecret = ["TOKENIZERS_PARALLELISM", "KEYCLOAK_REALM", "DB_PASSWORD_FILE", "AWS_ACCESS_KEY_ID", "AIRFLOW__CORE__FERNET_KEY_CMD",
            "existingSecret", "existingSecretPasswordKey", "secretName", "passwordKey", "passwordSecretKey", "userKey", "key", "secretKeyRef",
            "TOKEN_URL", "bypass", "MONKEY", "keyspace", "name", "value", "ACCESS_KEY", "MINIO_ACCESS_KEY", "accessKey", "topologyKey", "auth_state_groups_key",
            "podAntiAffinityTopologyKey", "partitionKey", "AIRFLOW__SECRETS__BACKEND", "passwordPolicy"];
        for (const name of notSecret) assert.equal(isSecretName(name), false, name);
    });

    it("treats variable references and empty strings as non-literals", () => {
        assert.equal(isLiteralSecretValue("hunter2"), true);
        for (const v of ["", "$(DB_PASSWORD)", "${ENV:PG_PASSWORD}", "/var/run/secrets/gcp/key.json", undefined, 42, { name: "x" }]) {
            assert.equal(isLiteralSecretValue(v), false, String(v));
        }
        assert.equal(isLiteralSecretValue("/not-a-path"), true, "a single segment is not a mounted file");
    });
});

describe("policy helpers: image pins", () => {
    it("accepts an exact tag, a digest, and a tag behind a registry port", () => {
        for (const image of ["postgres:17.6", "ghcr.io/mlflow/mlflow:v3.4.0", "registry:5000/app:1.0", `app@sha256:${"b".repeat(64)}`, `app:1.0@sha256:${"c".repeat(64)}`]) {
            assert.equal(imagePinProblem(image), undefined, image);
        }
    });

    it("rejects latest (in any case, even with a digest) and a missing tag", () => {
        assert.match(imagePinProblem("nginx:latest")!, /mutable tag "latest"/);
        assert.match(imagePinProblem("nginx:LATEST")!, /mutable tag "latest"/);
        assert.match(imagePinProblem(`nginx:latest@sha256:${"d".repeat(64)}`)!, /mutable tag "latest"/);
        assert.match(imagePinProblem("nginx")!, /has no tag/);
        assert.match(imagePinProblem("registry:5000/nginx")!, /has no tag/);
        assert.match(imagePinProblem(undefined)!, /no image reference/);
    });
});

describe("policy helpers: values walk", () => {
    it("visits every value with its dotted path, arrays included", () => {
        const paths = [...walkValues({ a: { b: [1, { c: true }] } })].map((v) => v.path);
        assert.deepEqual(paths, ["a", "a.b", "a.b[0]", "a.b[1]", "a.b[1].c"]);
    });
});

describe("policy helpers: disruption budgets", () => {
    const labels = { app: "web", tier: "frontend" };

    it("selects with Kubernetes label-selector semantics", () => {
        assert.equal(selects({ matchLabels: { app: "web" } }, labels), true);
        assert.equal(selects({ matchLabels: { app: "db" } }, labels), false);
        assert.equal(selects({}, labels), true, "an empty selector selects every pod");
        assert.equal(selects(undefined, labels), false, "a missing selector selects none");
        assert.equal(selects({ matchExpressions: [{ key: "tier", operator: "In", values: ["frontend"] }] }, labels), true);
        assert.equal(selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["frontend"] }] }, labels), false);
        assert.equal(selects({ matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] }, labels), true);
        assert.equal(selects({ matchExpressions: [{ key: "canary", operator: "Exists" }] }, labels), false);
    });

    it("counts allowed disruptions like the disruption controller (percentages round up)", () => {
        assert.equal(allowedDisruptions({ maxUnavailable: 1 }, 3), 1);
        assert.equal(allowedDisruptions({ maxUnavailable: "25%" }, 3), 1);
        assert.equal(allowedDisruptions({ maxUnavailable: 0 }, 3), 0);
        assert.equal(allowedDisruptions({ minAvailable: 2 }, 3), 1);
        assert.equal(allowedDisruptions({ minAvailable: "50%" }, 3), 1);
        assert.equal(allowedDisruptions({ minAvailable: "100%" }, 3), 0);
        assert.equal(allowedDisruptions({}, 3), 2, "the API defaults minAvailable to 1");
    });
});
