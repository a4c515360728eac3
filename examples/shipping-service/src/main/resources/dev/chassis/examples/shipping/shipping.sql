-- The shipping service's table, created in its own schema (unqualified names: the schema is first on
-- the search_path). Idempotent, so every instance may run it at start-up.

-- one shipment per order; CANCELLED with no address also marks a cancellation that came first
CREATE TABLE IF NOT EXISTS shipments (
    order_id      text PRIMARY KEY,
    shipment_id   text,
    address       text,
    status        text NOT NULL CHECK (status IN ('SCHEDULED', 'CANCELLED')),
    ships_on      date,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
