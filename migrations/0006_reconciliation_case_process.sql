-- Up Migration
-- The process (bpmnProcessId) of the job that opened a reconciliation case. Copies of the models
-- with suffixed process ids (tests, benches) share the database with the production models; the
-- reconciliation sweep of each deployment picks up only the cases its own fulfillment process
-- opened (src/reconciliation/sweep-scope.ts). Cases opened before this column existed stay null and
-- belong to the production deployment, whose sweep handled every case until now.

alter table reconciliation_case add column bpmn_process_id text;

-- Down Migration
alter table reconciliation_case drop column bpmn_process_id;
