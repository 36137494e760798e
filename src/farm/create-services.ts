// Builds the application services of one farm process: database pool, attempt ledger, adapters,
// engine client. Everything a worker needs is created here, once.
import type { Zeebe } from '@camunda8/sdk';
import { createAdapters } from '../adapters/index.ts';
import type { FarmServices } from '../application/services.ts';
import { ExternalCalls } from '../integration/external-call.ts';
import { AttemptLedger } from '../integration/ledger/attempt-ledger.ts';
import type { Config } from '../platform/config.ts';
import type { DatabasePool } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';
import { metrics } from '../platform/metrics.ts';
import { engineOverGateway } from './engine-port.ts';
import { zeebeMessagePublisher } from './zeebe-message-publisher.ts';

/** A STARTED attempt older than one call's whole budget (connect + response, twice for the immediate retry, plus margin) was abandoned. */
export const callLeaseMs = (config: Config) => 2 * (config.EXTERNAL_CONNECT_TIMEOUT_MS + config.EXTERNAL_RESPONSE_TIMEOUT_MS) + 5_000;

export function createFarmServices(config: Config, db: DatabasePool, zeebe: Zeebe.ZeebeGrpcClient, log: Logger): FarmServices & { adapters: ReturnType<typeof createAdapters> } {
  const adapters = createAdapters(config);
  metrics.watchCircuits(Object.values(adapters.circuits));
  return {
    db,
    calls: new ExternalCalls(new AttemptLedger(db), { log }),
    ports: adapters,
    adapters,
    messages: zeebeMessagePublisher(zeebe),
    engine: engineOverGateway(config, zeebe),
    config,
    log,
    callLeaseMs: callLeaseMs(config),
  };
}
