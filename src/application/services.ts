// What application services need, built once per farm process (src/farm/) and handed to workers.
import type { DatabasePool } from 'slonik';
import type { BillingPort } from '../adapters/billing/port.ts';
import type { CrmPort } from '../adapters/crm/port.ts';
import type { InventoryPort } from '../adapters/inventory/port.ts';
import type { NotificationPort } from '../adapters/notification/port.ts';
import type { ProvisioningPort } from '../adapters/provisioning/port.ts';
import type { ExternalCalls } from '../integration/external-call.ts';
import type { Config } from '../platform/config.ts';

export interface Ports {
  readonly crm: CrmPort;
  readonly inventory: InventoryPort;
  readonly provisioning: ProvisioningPort;
  readonly billing: BillingPort;
  readonly notification: NotificationPort;
}

/** Publishes a message to the engine; messageId makes a repeated publish a no-op while it lives. */
export interface MessagePublisher {
  publish(msg: { name: string; correlationKey: string; messageId: string; variables: Record<string, unknown>; timeToLiveMs: number }): Promise<void>;
}

export interface FarmServices {
  readonly db: DatabasePool;
  readonly calls: ExternalCalls;
  readonly ports: Ports;
  readonly messages: MessagePublisher;
  readonly config: Config;
  /** how long one external call may take before its attempt counts as abandoned */
  readonly callLeaseMs: number;
}
