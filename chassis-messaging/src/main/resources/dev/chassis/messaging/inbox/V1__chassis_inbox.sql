create table if not exists chassis_inbox (
    consumer    text        not null,
    message_id  text        not null,
    received_at timestamptz not null,
    primary key (consumer, message_id)
);
create index if not exists chassis_inbox_received_at on chassis_inbox (received_at);
