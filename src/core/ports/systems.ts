// The five external systems, behind their ports: what a use case may ask of them. Adapters
// (src/adapters/<system>/) implement these; the core never sees HTTP.
import type { BillingPort } from './billing.ts';
import type { CrmPort } from './crm.ts';
import type { InventoryPort } from './inventory.ts';
import type { NotificationPort } from './notification.ts';
import type { ProvisioningPort } from './provisioning.ts';

export interface SystemPorts {
  readonly crm: CrmPort;
  readonly inventory: InventoryPort;
  readonly provisioning: ProvisioningPort;
  readonly billing: BillingPort;
  readonly notification: NotificationPort;
}
