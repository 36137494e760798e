-- Up Migration
-- Provisioning results kept in the inbox because they arrived before the farm had recorded the
-- provider's request id (a fast provider calls back while the submission is still being stored).
-- The submission's transaction makes them due at once (src/core/use-cases/external-step.ts), looking
-- them up by the provider request id: this index keeps that lookup off the whole inbox.

create index idx_inbox_kept_by_subject on inbox_event (subject_id) where status in ('FAILED_RETRYABLE', 'FAILED_PERMANENT');

-- Down Migration
drop index idx_inbox_kept_by_subject;
