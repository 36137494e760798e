-- Up Migration
-- Transactional outbox (written in the same transaction as the state change it announces, relayed
-- to Kafka in commit order) and inbox (one row per consumed event id: redelivery changes nothing).

create table outbox_event (
  outbox_seq      bigserial primary key,
  event_id        uuid not null,
  event_type      text not null,
  event_version   text not null,
  topic           text not null,
  message_key     text not null,
  envelope        jsonb not null,
  created_at      timestamptz not null default now(),
  published_at    timestamptz,
  publish_attempts int not null default 0,
  last_error      text
);
create unique index ux_outbox_event_id on outbox_event (event_id);
create index idx_outbox_unpublished on outbox_event (outbox_seq) where published_at is null;
create index idx_outbox_published on outbox_event (published_at) where published_at is not null;

-- Wake the relay as soon as an event commits (it also polls, in case a notification is missed).
create function notify_outbox_event() returns trigger language plpgsql as $$
begin
  perform pg_notify('outbox_event', '');
  return null;
end;
$$;
create trigger trg_outbox_event_notify after insert on outbox_event for each statement execute function notify_outbox_event();

create table inbox_event (
  event_id      text primary key,
  event_type    text,
  source_topic  text not null,
  subject_id    text,
  status        text not null,
  attempts      int not null default 0,
  received_at   timestamptz not null default now(),
  processed_at  timestamptz,
  last_error    text,
  payload       jsonb,
  -- what handling needs to run again, for events retried from here rather than by redelivery
  retry_input   jsonb,
  next_attempt_at timestamptz,
  constraint ck_inbox_event_status check (status in (
    'RECEIVED', 'PROCESSED', 'IGNORED_UNSUPPORTED_TYPE', 'FAILED_RETRYABLE', 'FAILED_PERMANENT', 'PARKED_CONTRACT_VIOLATION'
  ))
);
create index idx_inbox_status on inbox_event (status, received_at);
create index idx_inbox_due on inbox_event (next_attempt_at) where status = 'FAILED_RETRYABLE';

-- Down Migration
drop table inbox_event;
drop trigger trg_outbox_event_notify on outbox_event;
drop function notify_outbox_event();
drop table outbox_event;
