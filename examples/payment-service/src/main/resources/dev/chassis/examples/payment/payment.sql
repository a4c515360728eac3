-- The payment service's table, created in its own schema (unqualified names: the schema is first on
-- the search_path). Idempotent, so every instance may run it at start-up.

-- one row per order: charged, declined (with the reason) or refunded; REFUNDED with no amount also
-- marks a refund that came before any charge
CREATE TABLE IF NOT EXISTS payments (
    order_id    text PRIMARY KEY,
    payment_id  text,
    customer_id text,
    amount      numeric(19, 2),
    status      text NOT NULL CHECK (status IN ('CHARGED', 'DECLINED', 'REFUNDED')),
    reason      text,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
