import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jdbcUrl, postgresUri, provisionDatabaseSql, validateDatabaseName } from "../../components/postgres/sql";

describe("postgres provisioning SQL (pure)", () => {
    it("superuser flavor: the whole script, idempotent, password only from the environment", () => {
        assert.equal(
            provisionDatabaseSql({ database: "metastore", replication: false, admin: "superuser", walLevelAdvice: "n/a" }),
            [
                "\\set ON_ERROR_STOP on",
                "\\getenv role_password ROLE_PASSWORD",
                "SET password_encryption = 'scram-sha-256';",
                `SELECT 'CREATE ROLE "metastore" LOGIN' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'metastore')\\gexec`,
                `ALTER ROLE "metastore" WITH LOGIN PASSWORD :'role_password';`,
                `ALTER ROLE "metastore" WITH NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;`,
                `SELECT 'CREATE DATABASE "metastore" OWNER "metastore" TEMPLATE template0 ENCODING ''UTF8''' WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = 'metastore')\\gexec`,
                `ALTER DATABASE "metastore" OWNER TO "metastore";`,
                `REVOKE ALL ON DATABASE "metastore" FROM PUBLIC;`,
                "",
            ].join("\n"),
        );
    });

    it("managed flavor: no superuser-only attribute changes; the admin joins the role to hand it the database", () => {
        const sql = provisionDatabaseSql({ database: "airflow", replication: false, admin: "managed", walLevelAdvice: "n/a" });
        assert.doesNotMatch(sql, /SUPERUSER|CREATEROLE|REPLICATION/);
        assert.match(sql, /GRANT "airflow" TO CURRENT_USER;\n.*CREATE DATABASE/s);
        assert.match(sql, /ALTER DATABASE "airflow" OWNER TO "airflow";/);
    });

    it("CDC sources get REPLICATION and a wal_level check that fails with the flavor's advice", () => {
        const managed = provisionDatabaseSql({ database: "shop", replication: true, admin: "managed", walLevelAdvice: "Restart the server's." });
        assert.match(managed, /ALTER ROLE CURRENT_USER WITH REPLICATION;\nALTER ROLE "shop" WITH REPLICATION;/);
        assert.match(managed, /IF current_setting\('wal_level'\) <> 'logical' THEN/);
        assert.match(managed, /'Restart the server''s\.'/, "advice is a safely quoted literal");
        const superuser = provisionDatabaseSql({ database: "shop", replication: true, admin: "superuser", walLevelAdvice: "x" });
        assert.match(superuser, /NOCREATEROLE REPLICATION;/);
    });

    it("metrics exporters join pg_monitor on the in-cluster server; nothing else does", () => {
        const exporter = provisionDatabaseSql({ database: "postgres_exporter", replication: false, monitoring: true, admin: "superuser", walLevelAdvice: "x" });
        assert.match(exporter, /NOREPLICATION;\nGRANT pg_monitor TO "postgres_exporter";\nSELECT 'CREATE DATABASE/);
        assert.equal(exporter.match(/pg_monitor/g)?.length, 1);
        for (const monitoring of [false, undefined]) {
            const plain = provisionDatabaseSql({ database: "metastore", replication: false, monitoring, admin: "superuser", walLevelAdvice: "x" });
            assert.doesNotMatch(plain, /pg_monitor/);
        }
        assert.throws(
            () => provisionDatabaseSql({ database: "postgres_exporter", replication: false, monitoring: true, admin: "managed", walLevelAdvice: "x" }),
            /monitoring \(GRANT pg_monitor\) is provisioned on the in-cluster Postgres only/,
        );
    });

    it("never embeds a password", () => {
        const sql = provisionDatabaseSql({ database: "mlflow", replication: true, admin: "managed", walLevelAdvice: "x" });
        assert.doesNotMatch(sql, /PASSWORD '/);
        assert.match(sql, /PASSWORD :'role_password'/);
    });

    it("rejects names that are not safe identifiers or are reserved", () => {
        assert.doesNotThrow(() => validateDatabaseName("mlflow_auth"));
        for (const bad of ["Metastore", "1db", "my-db", "x; DROP DATABASE y", "postgres", "pg_stats", "azure_maintenance", "cloudsqladmin", "a".repeat(64)]) {
            assert.throws(() => validateDatabaseName(bad), /database/, bad);
        }
        assert.throws(() => provisionDatabaseSql({ database: "bad name", replication: false, admin: "superuser", walLevelAdvice: "" }));
    });

    it("builds the connection strings of the consumer Secret, escaping credentials", () => {
        const parts = { username: "airflow", password: "p@ss/w:rd", host: "10.0.0.5", port: 5432, database: "airflow", sslMode: "require" as const };
        assert.equal(postgresUri(parts), "postgresql://airflow:p%40ss%2Fw%3Ard@10.0.0.5:5432/airflow?sslmode=require");
        assert.equal(jdbcUrl(parts), "jdbc:postgresql://10.0.0.5:5432/airflow?sslmode=require");
    });
});
