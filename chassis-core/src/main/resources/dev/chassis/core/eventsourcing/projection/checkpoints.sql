-- Chassis projection checkpoints, version 1: one row per projection, the position of the last event
-- it applied (the event store's transaction ordering number and sequence number).
-- Names are unqualified: run it with the target schema first on the search_path (Flyway and
-- Liquibase do so for their default schema). CheckpointSchema.create(DataSource) runs this same file.
-- Every statement is idempotent.

CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name           text        PRIMARY KEY,
    transaction_id bigint      NOT NULL,
    seq            bigint      NOT NULL,
    updated_at     timestamptz NOT NULL
);
