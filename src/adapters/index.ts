// The adapters of one process, behind their ports, plus each system's HTTP client so health checks
// and metrics can read circuit state (seed 000 §7.3: an open circuit must be visible).
import type { ExternalSystem } from '../core/ports/external-result.ts';
import type { SystemHttpClient } from '../integration/http/system-client.ts';
import type { SystemPorts } from '../core/ports/systems.ts';
import type { Config } from '../platform/config.ts';
import { BillingHttpAdapter } from './billing/http-adapter.ts';
import { CrmHttpAdapter } from './crm/http-adapter.ts';
import { InventoryHttpAdapter } from './inventory/http-adapter.ts';
import { NotificationHttpAdapter } from './notification/http-adapter.ts';
import { ProvisioningHttpAdapter } from './provisioning/http-adapter.ts';
import { createSystemClients } from './system-clients.ts';

export interface Adapters extends SystemPorts {
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
