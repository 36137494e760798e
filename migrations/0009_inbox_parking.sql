-- Up Migration
-- Two more ways an inbox event ends parked (issue 13): a provider message whose signature did not
-- verify (nothing of it was handled), and one whose handling threw on each of INBOX_MAX_ATTEMPTS
-- attempts (its last error, redacted, in last_error). Neither is claimed by the retry loop again
-- (it claims FAILED_RETRYABLE rows only); the partial index lets an operator list parked rows.

alter table inbox_event drop constraint ck_inbox_event_status;
alter table inbox_event add constraint ck_inbox_event_status check (status in (
  'RECEIVED', 'PROCESSED', 'IGNORED_UNSUPPORTED_TYPE', 'FAILED_RETRYABLE', 'FAILED_PERMANENT', 'PARKED_CONTRACT_VIOLATION',
  'PARKED_BAD_SIGNATURE', 'PARKED_RETRIES_EXHAUSTED'
));
create index idx_inbox_parked on inbox_event (received_at desc) where status like 'PARKED\_%';

-- Down Migration
drop index idx_inbox_parked;
update inbox_event set status = 'PARKED_CONTRACT_VIOLATION' where status in ('PARKED_BAD_SIGNATURE', 'PARKED_RETRIES_EXHAUSTED');
alter table inbox_event drop constraint ck_inbox_event_status;
alter table inbox_event add constraint ck_inbox_event_status check (status in (
  'RECEIVED', 'PROCESSED', 'IGNORED_UNSUPPORTED_TYPE', 'FAILED_RETRYABLE', 'FAILED_PERMANENT', 'PARKED_CONTRACT_VIOLATION'
));
