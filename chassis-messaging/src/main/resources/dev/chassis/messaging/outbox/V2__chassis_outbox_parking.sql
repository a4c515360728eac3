-- Chassis transactional outbox, version 2: counting refused publishes and parking poison rows.
-- Run after V1, with the same schema first on the search_path. OutboxSchema.create(DataSource)
-- runs V1 and then this file; every statement is idempotent, so existing tables are upgraded.

ALTER TABLE chassis_outbox ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 0;

ALTER TABLE chassis_outbox ADD COLUMN IF NOT EXISTS last_error text;

ALTER TABLE chassis_outbox ADD COLUMN IF NOT EXISTS failed_at timestamptz;

CREATE INDEX IF NOT EXISTS chassis_outbox_parked ON chassis_outbox (id) WHERE sent_at IS NULL AND failed_at IS NOT NULL;
