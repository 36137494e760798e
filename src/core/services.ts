// What the use cases need, built once per process by the composition root (src/main/services.ts).
import type { DatabasePool } from 'slonik';
import type { Clock } from './ports/clock.ts';
import type { EnginePort } from './ports/engine.ts';
import type { MessagePublisher } from './ports/message-publisher.ts';
import type { SystemPorts } from './ports/systems.ts';
import type { ExternalCalls } from '../integration/external-call.ts';
import type { AdapterRegistry } from '../integration/registry/adapter-registry.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';

export interface FarmServices {
  readonly db: DatabasePool;
  readonly calls: ExternalCalls;
  /** tenant configuration: which capabilities a tenant may use, where its calls go (seed 000 §10) */
  readonly registry: AdapterRegistry;
  /** the external systems as the tenant's registry rows configure them (base URL, credential, timeouts) */
  readonly portsFor: (tenantId: string) => SystemPorts;
  readonly messages: MessagePublisher;
  readonly engine: EnginePort;
  readonly config: Config;
  readonly log: Logger;
  /** how long one external call may take before its attempt counts as abandoned (standard timeouts; see callLeaseMs in external-step.ts) */
  readonly callLeaseMs: number;
  /** the time decisions are taken by (case deadlines, sweep windows); systemClock in production */
  readonly clock: Clock;
}
