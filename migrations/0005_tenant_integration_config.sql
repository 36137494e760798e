-- Up Migration
-- Adapter registry and capability matrix (seed 000 §10), read by src/integration/registry/: per
-- tenant and external system where and how the farm calls it; per tenant, system and capability
-- whether the farm may use it. Profiles name behaviour defined in code (profiles.ts); the CHECK
-- constraints list the values this version knows (adding one is an expand change, like any enum).

create table integration_system_config (
  tenant_id          text not null,
  system_code        text not null,
  -- false: no new work goes to the system for this tenant (its capabilities are disabled)
  enabled            boolean not null,
  -- an absolute URL, or config:<SYSTEM>_URL = the farm's own setting (src/platform/config.ts)
  base_url           text not null,
  -- SHARED: the farm's credential variables; TENANT: the tenant's own secret (README, tenant configuration)
  auth_profile       text not null,
  timeout_profile    text not null,
  retry_profile      text not null,
  -- EXPLICIT: only capabilities with an enabled row; ALL: every capability unless a row disables it
  capability_profile text not null,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  primary key (tenant_id, system_code),
  constraint ck_integration_system_config_system check (system_code in ('CRM', 'INVENTORY', 'PROVISIONING', 'BILLING', 'NOTIFICATION')),
  constraint ck_integration_system_config_base_url check (base_url ~ '^(https?://[^[:space:]]+|config:(CRM|INVENTORY|PROVISIONING|BILLING|NOTIFICATION)_URL)$'),
  constraint ck_integration_system_config_auth_profile check (auth_profile in ('SHARED', 'TENANT')),
  constraint ck_integration_system_config_timeout_profile check (timeout_profile in ('STANDARD', 'EXTENDED')),
  constraint ck_integration_system_config_retry_profile check (retry_profile in ('STANDARD')),
  constraint ck_integration_system_config_capability_profile check (capability_profile in ('EXPLICIT', 'ALL'))
);

create table integration_capability (
  tenant_id       text not null,
  system_code     text not null,
  capability_code text not null,
  enabled         boolean not null,
  -- settings of the capability for the tenant (free-form; none are read yet)
  config          jsonb not null default '{}',
  primary key (tenant_id, system_code, capability_code),
  foreign key (tenant_id, system_code) references integration_system_config (tenant_id, system_code),
  constraint ck_integration_capability_code check (capability_code in (
    'CRM_VALIDATE_ACCOUNT', 'INVENTORY_RESERVE_NUMBER', 'PROVISIONING_ACTIVATE_SERVICE', 'BILLING_ACTIVATE_SUBSCRIPTION', 'NOTIFICATION_SEND_EMAIL'
  )),
  -- a capability belongs to the system its code starts with
  constraint ck_integration_capability_of_system check (starts_with(capability_code, system_code || '_'))
);

-- A step skipped because its tenant's capability is disabled (e.g. no customer notification).
alter table fulfillment_task drop constraint ck_fulfillment_task_status;
alter table fulfillment_task add constraint ck_fulfillment_task_status check (status in (
  'IN_PROGRESS', 'WAITING_EXTERNAL', 'SUCCEEDED', 'REJECTED', 'FAILED', 'AMBIGUOUS', 'COMPENSATED', 'SKIPPED'
));

-- The demo and test tenant: every system at the farm's configured URL with the farm's credentials,
-- every capability enabled, so the existing flows run as before.
insert into integration_system_config (tenant_id, system_code, enabled, base_url, auth_profile, timeout_profile, retry_profile, capability_profile)
select 'tenant-a', s, true, 'config:' || s || '_URL', 'SHARED', 'STANDARD', 'STANDARD', 'EXPLICIT'
from unnest(array['CRM', 'INVENTORY', 'PROVISIONING', 'BILLING', 'NOTIFICATION']) as s;

insert into integration_capability (tenant_id, system_code, capability_code, enabled, config)
select 'tenant-a', split_part(c, '_', 1), c, true, '{}'
from unnest(array['CRM_VALIDATE_ACCOUNT', 'INVENTORY_RESERVE_NUMBER', 'PROVISIONING_ACTIVATE_SERVICE', 'BILLING_ACTIVATE_SUBSCRIPTION', 'NOTIFICATION_SEND_EMAIL']) as c;

-- Down Migration
-- (not valid: tasks already SKIPPED stay as they are; new ones are refused)
alter table fulfillment_task drop constraint ck_fulfillment_task_status;
alter table fulfillment_task add constraint ck_fulfillment_task_status check (status in (
  'IN_PROGRESS', 'WAITING_EXTERNAL', 'SUCCEEDED', 'REJECTED', 'FAILED', 'AMBIGUOUS', 'COMPENSATED'
)) not valid;
drop table integration_capability;
drop table integration_system_config;
