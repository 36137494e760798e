// The adapters of one process, behind their ports, plus each system's HTTP client so health checks
// and metrics can read circuit state (seed 000 §7.3: an open circuit must be visible).
import type { ExternalSystem } from '../core/ports/external-result.ts';
import type { SystemHttpClient } from '../integration/http/system-client.ts';
import type { Config } from '../platform/config.ts';
import { BillingHttpAdapter } from './billing/http-adapter.ts';
import type { BillingPort } from '../core/ports/billing.ts';
import { CrmHttpAdapter } from './crm/http-adapter.ts';
import type { CrmPort } from '../core/ports/crm.ts';
import { InventoryHttpAdapter } from './inventory/http-adapter.ts';
import type { InventoryPort } from '../core/ports/inventory.ts';
import { NotificationHttpAdapter } from './notification/http-adapter.ts';
import type { NotificationPort } from '../core/ports/notification.ts';
import { ProvisioningHttpAdapter } from './provisioning/http-adapter.ts';
import type { ProvisioningPort } from '../core/ports/provisioning.ts';
import { createSystemClients } from './system-clients.ts';

export interface Adapters {
  readonly crm: CrmPort;
  readonly inventory: InventoryPort;
  readonly provisioning: ProvisioningPort;
  readonly billing: BillingPort;
  readonly notification: NotificationPort;
  /** per system: circuitOpen / onCircuitChange for health and metrics */
  readonly circuits: Readonly<Record<ExternalSystem, SystemHttpClient>>;
}

export function createAdapters(config: Config): Adapters {
  const clients = createSystemClients(config);
  return {
    crm: new CrmHttpAdapter(clients.CRM),
    inventory: new InventoryHttpAdapter(clients.INVENTORY),
    provisioning: new ProvisioningHttpAdapter(clients.PROVISIONING),
    billing: new BillingHttpAdapter(clients.BILLING),
    notification: new NotificationHttpAdapter(clients.NOTIFICATION),
    circuits: clients,
  };
}
