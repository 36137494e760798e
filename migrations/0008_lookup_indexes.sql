-- Up Migration
-- Lookups the hot paths make by columns no index served, each a sequential scan that grew with
-- the tables (found by pg_stat_user_tables.seq_tup_read after a bench run):
--   a provider's result finds the task waiting for its request (fulfillment_task.external_request_id),
--   reconciliation finds the task of an attempt (fulfillment_task.last_external_call_id),
--   an order's status step asks whether the order has an undecided case (reconciliation_case.order_id).

create index idx_fulfillment_task_external_request on fulfillment_task (external_request_id) where external_request_id is not null;
create index idx_fulfillment_task_last_call on fulfillment_task (last_external_call_id) where last_external_call_id is not null;
create index idx_reconciliation_case_order on reconciliation_case (order_id, status);

-- Down Migration
drop index idx_reconciliation_case_order;
drop index idx_fulfillment_task_last_call;
drop index idx_fulfillment_task_external_request;
