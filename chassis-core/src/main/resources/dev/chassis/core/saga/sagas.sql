-- Chassis saga store, version 1.
-- Names are unqualified: run it with the target schema first on the search_path (Flyway and
-- Liquibase do so for their default schema). SagaSchema.create(DataSource) runs this same file.
-- Every statement is idempotent.

CREATE TABLE IF NOT EXISTS chassis_sagas (
    -- byte order, so that paging by id is the same on every database collation
    id                 text COLLATE "C" PRIMARY KEY,
    type               text        NOT NULL,
    definition_version int         NOT NULL,
    state              text        NOT NULL,
    step               int         NOT NULL,
    attempt            int         NOT NULL,
    data               jsonb       NOT NULL,
    deadline           timestamptz NULL,
    revision           bigint      NOT NULL,
    history            jsonb       NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    failure            text        NULL,
    lease_owner        text        NULL,
    lease_until        timestamptz NULL,
    CONSTRAINT chassis_sagas_state CHECK (state IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'FAILED'))
);

-- due(): unfinished sagas by deadline; finished ones never enter this index
CREATE INDEX IF NOT EXISTS chassis_sagas_due ON chassis_sagas (deadline)
    WHERE state IN ('RUNNING', 'COMPENSATING') AND deadline IS NOT NULL;

-- inState(): one state, paged by id
CREATE INDEX IF NOT EXISTS chassis_sagas_state_id ON chassis_sagas (state, id);
