-- Up Migration
-- Fulfillment tasks, the external call attempt ledger (seed 000 §5) with its evidence, and
-- reconciliation cases (seed 000 §23.1).

create table fulfillment_task (
  fulfillment_task_id    uuid primary key,
  order_id               text not null references customer_order (order_id),
  order_item_id          text,
  task_type              text not null,
  status                 text not null,
  external_request_id    text,
  external_reference_id  text,
  result                 jsonb,
  last_external_call_id  uuid,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  constraint ck_fulfillment_task_type check (task_type in (
    'VALIDATE_CUSTOMER_ACCOUNT', 'RESERVE_INVENTORY', 'RELEASE_INVENTORY', 'ACTIVATE_SERVICE',
    'DEACTIVATE_SERVICE', 'ACTIVATE_BILLING', 'NOTIFY_CUSTOMER'
  )),
  constraint ck_fulfillment_task_status check (status in (
    'IN_PROGRESS', 'WAITING_EXTERNAL', 'SUCCEEDED', 'REJECTED', 'FAILED', 'AMBIGUOUS', 'COMPENSATED'
  ))
);
-- one task per order, item and type ('' stands for "the whole order")
create unique index ux_fulfillment_task_scope on fulfillment_task (order_id, coalesce(order_item_id, ''), task_type);

create table external_call_attempt (
  external_call_id       uuid primary key,
  tenant_id              text not null,
  system_code            text not null,
  operation_code         text not null,
  business_object_type   text not null,
  business_object_id     text not null,
  idempotency_key        text not null,
  correlation_id         text not null,
  causation_id           text not null,
  request_hash           text not null,
  request_snapshot       jsonb not null,
  response_snapshot      jsonb,
  -- the internal (mapped, non-secret) result, replayed when the same request comes again
  result                 jsonb,
  status                 text not null,
  external_request_id    text,
  external_reference_id  text,
  failure_category       text,
  failure_reason         text,
  retryable              boolean,
  -- whether the last try may have reached the external system
  request_sent           boolean,
  attempt_no             int not null,
  -- a STARTED attempt older than this belongs to a worker that died mid-call
  lease_expires_at       timestamptz,
  started_at             timestamptz not null,
  completed_at           timestamptz,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  unique (tenant_id, system_code, operation_code, idempotency_key),
  constraint ck_external_call_status check (status in (
    'STARTED', 'SUCCEEDED', 'PENDING', 'REJECTED', 'CONFLICT', 'FAILED', 'AMBIGUOUS'
  )),
  constraint ck_external_call_system check (system_code in ('CRM', 'INVENTORY', 'PROVISIONING', 'BILLING', 'NOTIFICATION')),
  constraint ck_external_call_failure_category check (failure_category is null or failure_category in (
    'TIMEOUT', 'CONNECTION_FAILED', 'AUTH_FAILED', 'VALIDATION_REJECTED', 'BUSINESS_REJECTED', 'CONFLICT',
    'RATE_LIMITED', 'SERVER_ERROR', 'AMBIGUOUS_OUTCOME', 'SCHEMA_MISMATCH'
  ))
);
create index idx_external_call_business_object on external_call_attempt (tenant_id, business_object_type, business_object_id);
create index idx_external_call_status on external_call_attempt (tenant_id, system_code, status, updated_at);

-- One row per try of an attempt (and per replay or refusal): what was sent, what came back.
create table external_call_evidence (
  evidence_id       uuid primary key,
  external_call_id  uuid not null references external_call_attempt (external_call_id),
  attempt_no        int not null,
  kind              text not null,
  outcome           text not null,
  failure_category  text,
  detail            text,
  request_snapshot  jsonb,
  response_snapshot jsonb,
  http_status       int,
  latency_ms        int,
  job_key           text,
  recorded_at       timestamptz not null default now(),
  constraint ck_evidence_kind check (kind in ('CALL', 'REPLAY', 'REFUSED', 'CALLBACK', 'RECONCILIATION', 'OPERATOR'))
);
create index idx_evidence_call on external_call_evidence (external_call_id, recorded_at);

create table reconciliation_case (
  reconciliation_case_id  uuid primary key,
  tenant_id               text not null,
  system_code             text not null,
  business_object_type    text not null,
  business_object_id      text not null,
  mismatch_type           text not null,
  expected_state          jsonb not null,
  observed_state          jsonb not null,
  severity                text not null,
  status                  text not null,
  external_call_id        uuid references external_call_attempt (external_call_id),
  order_id                text,
  job_key                 text,
  process_instance_key    text,
  detected_at             timestamptz not null,
  resolved_at             timestamptz,
  created_at              timestamptz not null default now(),
  updated_at              timestamptz not null default now(),
  constraint ck_reconciliation_status check (status in ('OPEN', 'RESOLVED', 'MANUAL_REVIEW', 'CLOSED')),
  constraint ck_reconciliation_severity check (severity in ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  constraint ck_reconciliation_mismatch check (mismatch_type in ('AMBIGUOUS_OUTCOME', 'DUPLICATE_CONFLICT', 'STATE_MISMATCH', 'MISSING_CALLBACK'))
);
-- at most one open case per attempt
create unique index ux_reconciliation_open_per_call on reconciliation_case (external_call_id) where status in ('OPEN', 'MANUAL_REVIEW');
create index idx_reconciliation_status on reconciliation_case (status, detected_at);

-- Down Migration
drop table reconciliation_case;
drop table external_call_evidence;
drop table external_call_attempt;
drop table fulfillment_task;
