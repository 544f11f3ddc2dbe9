import { fakePostgres as sharedFakePostgres, FakePostgres } from "../fakes";

export type { FakePostgres };

/** The one password the fake database has; tests scan every registration for it. */
export const FAKE_DB_PASSWORD = "fake-pg-password-7c1d9e";

/**
 * The shared Postgres fake (test/fakes.ts), in-cluster: each database is a Secret in the consumer's namespace
 * (as the real component delivers it) holding {@link FAKE_DB_PASSWORD}. It records what it was asked for.
 */
export function fakePostgres(): FakePostgres {
    return sharedFakePostgres("in-cluster", {
        host: "postgres.ml-data.svc.cluster.local",
        secretName: (db) => `${db.replace(/_/g, "-")}-db`,
        password: () => FAKE_DB_PASSWORD,
    });
}
