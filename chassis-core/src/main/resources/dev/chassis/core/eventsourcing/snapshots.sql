-- Chassis event-sourcing snapshots, version 1: the latest snapshot of each stream.
-- Names are unqualified: run it with the target schema first on the search_path (Flyway and
-- Liquibase do so for their default schema). SnapshotSchema.create(DataSource) runs this same file.
-- Every statement is idempotent.

CREATE TABLE IF NOT EXISTS chassis_snapshots (
    stream        text        PRIMARY KEY,
    version       bigint      NOT NULL CHECK (version >= 1),
    state_type    text        NOT NULL,
    state_version integer     NOT NULL CHECK (state_version >= 1),
    state         jsonb       NOT NULL,
    saved_at      timestamptz NOT NULL DEFAULT now()
);
