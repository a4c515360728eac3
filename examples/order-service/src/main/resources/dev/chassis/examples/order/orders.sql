-- The order service's table, created in its own schema (unqualified names: the schema is first on
-- the search_path). Idempotent, so every instance may run it at start-up. The saga and outbox
-- tables of the chassis live in the same schema.

CREATE TABLE IF NOT EXISTS orders (
    id               text PRIMARY KEY,
    customer_id      text NOT NULL,
    shipping_address text NOT NULL,
    lines            jsonb NOT NULL,
    total            numeric(19, 2) NOT NULL CHECK (total > 0),
    status           text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED')),
    payment_id       text,
    shipment_id      text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
