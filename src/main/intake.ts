// `npm run intake`: the order intake and callback HTTP server.
import { createZeebeClient } from '../platform/zeebe-client.ts';
import { loadConfig } from '../platform/config.ts';
import { createDatabasePool } from '../platform/db.ts';
import { createLogger } from '../platform/logger.ts';
import { migrate } from '../platform/migrate.ts';
import { engineOverGateway } from '../adapters/engine/engine-port.ts';
import { zeebeMessagePublisher } from '../adapters/engine/message-publisher.ts';
import { databaseCheck, engineCheck, eventLoopCheck } from '../platform/health-checks.ts';
import { metrics } from '../platform/metrics.ts';
import { closeChecks, type OpsEndpoints } from '../platform/ops-endpoints.ts';
import { collectDefaultMetrics } from 'prom-client';
import { buildIntakeServer } from '../intake/server.ts';

const config = loadConfig();
const log = createLogger('intake', config.LOG_LEVEL);
await migrate(config);
const db = await createDatabasePool(config, 'intake');
const zeebe = createZeebeClient(config);
collectDefaultMetrics({ register: metrics.registry });
// the intake writes orders and outbox rows and publishes messages: ready = engine and database answer
const ops: OpsEndpoints = { registry: metrics.registry, liveness: [eventLoopCheck()], readiness: [engineCheck(zeebe), databaseCheck(db)], checkTimeoutMs: config.HEALTH_CHECK_TIMEOUT_MS };
const app = buildIntakeServer({ db, messages: zeebeMessagePublisher(zeebe), engine: engineOverGateway(config, zeebe), provisioningPollCycle: config.PROVISIONING_POLL_CYCLE, provisioningSla: config.PROVISIONING_SLA, log, ops });
await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });

async function shutdown(signal: string): Promise<void> {
  log.info({ signal }, 'intake stopping');
  await app.close();
  await closeChecks(ops);
  await zeebe.close().catch(() => undefined);
  await db.end().catch(() => undefined);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
