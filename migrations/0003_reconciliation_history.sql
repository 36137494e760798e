-- Up Migration
-- What happened to each reconciliation case, in order: what was observed, what was decided, and by
-- whom (the reconciler or a named operator). The case row holds the current state only.

alter table reconciliation_case
  add column check_count                 int not null default 0,
  add column handler_process_instance_key text,
  add column handler_requested_at         timestamptz,
  add column resolution                   text,
  add column decided_by                   text;

create table reconciliation_case_event (
  event_id                uuid primary key,
  reconciliation_case_id  uuid not null references reconciliation_case (reconciliation_case_id),
  action                  text not null,
  actor                   text not null,
  observed_state          jsonb,
  note                    text,
  recorded_at             timestamptz not null default now(),
  constraint ck_reconciliation_event_action check (action in (
    'OPENED', 'OBSERVED', 'REPAIRED', 'MARKED_SAFE_TO_RETRY', 'ESCALATED', 'DECIDED', 'RESUMED', 'CLOSED'
  ))
);
create index idx_reconciliation_event_case on reconciliation_case_event (reconciliation_case_id, recorded_at);

-- Down Migration
drop table reconciliation_case_event;
alter table reconciliation_case
  drop column check_count, drop column handler_process_instance_key, drop column handler_requested_at,
  drop column resolution, drop column decided_by;
