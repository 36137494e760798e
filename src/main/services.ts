// Builds the application services of one farm process: database pool, attempt ledger, adapters,
// engine port and message publisher over the process's gateway channel. Everything a worker needs
// is created here, once (src/main/compose.ts calls it).
import { sharedCredentials } from '../adapters/auth-headers.ts';
import { createAdapters } from '../adapters/index.ts';
import { createTenantAdapters, type TenantAdapters } from '../adapters/tenant-adapters.ts';
import type { FarmServices } from '../core/services.ts';
import { ExternalCalls } from '../integration/external-call.ts';
import { AttemptLedger } from '../integration/ledger/attempt-ledger.ts';
import { openTroubleCase } from '../core/use-cases/external-step.ts';
import { AdapterRegistry } from '../integration/registry/adapter-registry.ts';
import { CredentialStore } from '../integration/registry/credentials.ts';
import { loadTenantIntegration } from '../integration/registry/tenant-integration.ts';
import { leaseMsFor, timeoutsOf } from '../integration/registry/profiles.ts';
import type { Config } from '../platform/config.ts';
import type { DatabasePool } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { systemClock } from '../platform/clock.ts';
import { metrics } from '../platform/metrics.ts';
import { engineOverGateway, type EngineCommands } from '../adapters/engine/engine-port.ts';
import { zeebeMessagePublisher, type MessageCommands } from '../adapters/engine/message-publisher.ts';

/** A STARTED attempt older than one call's whole budget (connect + response, twice for the immediate retry, plus margin) was abandoned. */
export const callLeaseMs = (config: Config) => leaseMsFor(timeoutsOf('STANDARD', config));

/**
 * env: where per-tenant CREDENTIALS_* variables are read (src/integration/registry/credentials.ts).
 * `adapters.circuits` are the configured clients; `tenantAdapters.clients()` every client in use.
 */
export function createFarmServices(
  config: Config,
  db: DatabasePool,
  /** the process's gateway channel (src/main/compose.ts), or the SDK client some tests hold */
  zeebe: EngineCommands & MessageCommands,
  log: Logger,
  env: Readonly<Record<string, string | undefined>> = process.env,
): FarmServices & { adapters: ReturnType<typeof createAdapters>; tenantAdapters: TenantAdapters } {
  const adapters = createAdapters(config);
  metrics.watchCircuits(Object.values(adapters.circuits));
  const ttlMs = config.INTEGRATION_CONFIG_TTL_MS;
  const registry = new AdapterRegistry((tenantId) => loadTenantIntegration(db, tenantId), config, { ttlMs });
  const credentials = new CredentialStore({ env, dir: config.CREDENTIALS_DIR, shared: sharedCredentials(config), ttlMs });
  // clients of tenants with their own URL, credential or timeouts are made on first use
  const tenantAdapters = createTenantAdapters({ registry, credentials, configured: adapters.circuits, config, onClient: (client) => metrics.watchCircuits([client]) });
  return {
    db,
    calls: new ExternalCalls(new AttemptLedger(db), { log, troubles: openTroubleCase }),
    registry,
    portsFor: (tenantId) => tenantAdapters.ports(tenantId),
    adapters,
    tenantAdapters,
    messages: zeebeMessagePublisher(zeebe),
    engine: engineOverGateway(config, zeebe),
    config,
    log,
    callLeaseMs: callLeaseMs(config),
    clock: systemClock,
  };
}
