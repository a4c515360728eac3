-- Chassis event store, version 1.
-- Names are unqualified: run it with the target schema first on the search_path (Flyway and
-- Liquibase do so for their default schema). EventStoreSchema.create(DataSource) runs this same file.
-- Every statement is idempotent. Requires PostgreSQL 13 or later (xid8, pg_current_xact_id).

CREATE TABLE IF NOT EXISTS chassis_events (
    seq            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream         text        NOT NULL,
    version        bigint      NOT NULL,
    event_id       text        NOT NULL,
    event_type     text        NOT NULL,
    type_version   int         NOT NULL,
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL,
    recorded_at    timestamptz NOT NULL,
    CONSTRAINT chassis_events_stream_version UNIQUE (stream, version),
    CONSTRAINT chassis_events_event_id UNIQUE (event_id)
);

-- the store-wide order that readAll follows
CREATE INDEX IF NOT EXISTS chassis_events_position ON chassis_events (transaction_id, seq);
