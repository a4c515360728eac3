-- The inventory service's tables, created in its own schema (unqualified names: the schema is first
-- on the search_path). Idempotent, so every instance may run it at start-up.

-- units on hand and not reserved, per SKU
CREATE TABLE IF NOT EXISTS stock (
    sku        text PRIMARY KEY,
    available  integer NOT NULL CHECK (available >= 0),
    updated_at timestamptz NOT NULL
);

-- one row per order: what was reserved, or why not; RELEASED also marks a release that came first
CREATE TABLE IF NOT EXISTS reservations (
    order_id   text PRIMARY KEY,
    status     text NOT NULL CHECK (status IN ('RESERVED', 'REJECTED', 'RELEASED')),
    lines      jsonb NOT NULL,
    reason     text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
