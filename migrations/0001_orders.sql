-- Up Migration
-- Orders accepted by the intake, the link to the process instance that fulfils each of them
-- (seed 004 §14.1), and the command idempotency records of the intake (seed 004 §9.1).

create table customer_order (
  order_id             text primary key,
  tenant_id            text not null,
  customer_account_id  text not null,
  order_status         text not null,
  correlation_id       text not null,
  order_snapshot       jsonb not null,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  constraint ck_customer_order_status check (order_status in (
    'ACCEPTED', 'IN_FULFILLMENT', 'COMPLETED', 'REJECTED', 'FALLOUT', 'CANCELLED'
  ))
);
create index idx_customer_order_tenant_status on customer_order (tenant_id, order_status, updated_at);

-- The process is started by message (message id = order id, so the engine refuses a second
-- instance); its key is linked by the first job the instance runs.
create table order_orchestration_link (
  order_id                    text primary key references customer_order (order_id),
  process_key                 text not null,
  start_message_id            text not null unique,
  process_instance_key        text unique,
  process_definition_version  integer,
  started_at                  timestamptz not null default now(),
  ended_at                    timestamptz,
  last_known_activity         text,
  last_sync_at                timestamptz
);

create table idempotency_record (
  scope            text not null,
  idempotency_key  text not null,
  request_hash     text not null,
  response_status  integer,
  response_body    jsonb,
  resource_id      text,
  created_at       timestamptz not null default now(),
  primary key (scope, idempotency_key)
);

-- Down Migration
drop table idempotency_record;
drop table order_orchestration_link;
drop table customer_order;
