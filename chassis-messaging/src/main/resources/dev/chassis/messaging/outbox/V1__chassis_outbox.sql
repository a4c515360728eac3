-- Chassis transactional outbox, version 1.
-- Names are unqualified: run it with the target schema first on the search_path (Flyway and
-- Liquibase do so for their default schema). OutboxSchema.create(DataSource) runs this same file.
-- Every statement is idempotent.

CREATE TABLE IF NOT EXISTS chassis_outbox (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic        text        NOT NULL,
    ordering_key text,
    message_id   text        NOT NULL,
    event_type   text        NOT NULL,
    envelope     bytea       NOT NULL,
    traceparent  text,
    tracestate   text,
    created_at   timestamptz NOT NULL,
    sent_at      timestamptz
);

CREATE INDEX IF NOT EXISTS chassis_outbox_unsent ON chassis_outbox (id) WHERE sent_at IS NULL;

CREATE INDEX IF NOT EXISTS chassis_outbox_sent_at ON chassis_outbox (sent_at) WHERE sent_at IS NOT NULL;
