// `npm run farm [-- --role fulfillment|reconciliation|events|all | --only type,type] [-- --concurrency N]`:
// one farm process (a replica). Applies pending migrations, opens a job stream per served job type,
// and drains on SIGTERM/SIGINT within the job timeout (src/main/farm/shutdown.ts). `--model-suffix S`
// serves a test's isolated model copy (job types and messages suffixed `-S`); its event side and
// inbox retries are then left to the test, which scopes them to its own orders.
import { parseArgs } from 'node:util';
import { collectDefaultMetrics } from 'prom-client';
import { workers } from '../../workers/index.ts';
import { gatewayHeaders } from '../platform/gateway-auth.ts';
import { createZeebeClient } from '../platform/zeebe-client.ts';
import { loadConfig } from '../platform/config.ts';
import { createDatabasePool } from '../platform/db.ts';
import { createLogger } from '../platform/logger.ts';
import { migrate } from '../platform/migrate.ts';
import { startInboxRetries } from '../events/inbox-retries.ts';
import { inboxRetryHandlers } from '../core/provisioning-results/inbox-handlers.ts';
import { startFarm } from '../worker-runtime/farm.ts';
import { metrics } from '../platform/metrics.ts';
import { closeChecks } from '../platform/ops-endpoints.ts';
import { createFarmServices } from './services.ts';
import { farmOpsEndpoints, serveFarmOps } from './farm/ops.ts';
import { MODEL_SUFFIX, suffixedMessages } from '../adapters/engine/model-suffix.ts';
import { resolveServed } from './farm/roles.ts';
import { drainGraceMs, farmShutdown } from './farm/shutdown.ts';

const { values } = parseArgs({ options: { only: { type: 'string' }, role: { type: 'string' }, concurrency: { type: 'string' }, 'model-suffix': { type: 'string' } } });
const config = loadConfig();
const log = createLogger('farm', config.LOG_LEVEL);
const only = values.only !== undefined ? values.only.split(',').map((t) => t.trim()).filter(Boolean) : values.role === undefined ? config.FARM_JOB_TYPES : [];
const selection = resolveServed({ role: values.role, only }, workers);
if (selection.kind === 'invalid') {
  log.fatal(selection.message);
  process.exit(2);
}
const suffix = values['model-suffix'];
if (suffix !== undefined && !MODEL_SUFFIX.test(suffix)) {
  log.fatal({ suffix }, `--model-suffix must match ${MODEL_SUFFIX}`);
  process.exit(2);
}
const concurrency = values.concurrency === undefined ? config.FARM_MAX_CONCURRENT_JOBS : Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  log.fatal({ concurrency: values.concurrency }, '--concurrency must be a positive integer');
  process.exit(2);
}
const served = selection.workers;
const eventsOn = suffix === undefined && (selection.events === 'always' || config.FARM_EVENTS === 'on');

const applied = await migrate(config);
if (applied.applied.length) log.info({ migrations: applied.applied }, 'database migrated');
const db = await createDatabasePool(config, 'farm');
const zeebe = createZeebeClient(config);
const base = createFarmServices(config, db, zeebe, log);
const services = suffix === undefined ? base : { ...base, messages: suffixedMessages(base.messages, suffix) };
const farm = await startFarm({
  zeebe,
  gatewayAddress: config.ZEEBE_GRPC_ADDRESS,
  gatewayMetadata: gatewayHeaders(config),
  workers: served,
  services,
  log,
  maxConcurrentJobs: concurrency,
  jobTimeoutMs: config.FARM_JOB_TIMEOUT_MS,
  ...(suffix === undefined ? {} : { jobTypeSuffix: suffix }),
});
const inboxRetries = suffix === undefined ? startInboxRetries({ db, log, handlers: inboxRetryHandlers(db, services.messages) }) : undefined;
// the Kafka client is loaded only by replicas that run the event side (~15 MB less in the others)
const events = eventsOn ? (await import('./event-side.ts')).startEventProcessing({ config, db, messages: services.messages, log }) : undefined;
log.info({ role: values.role ?? (only.length ? 'only' : 'all'), jobTypes: farm.jobTypes, events: eventsOn ? 'on' : 'off', pid: process.pid }, 'farm ready');

collectDefaultMetrics({ register: metrics.registry });
const opsEndpoints = farmOpsEndpoints({ config, db, zeebe, kafka: eventsOn, draining: () => shutdown.draining(), inFlight: () => farm.inFlight() });
const ops = await serveFarmOps(config, opsEndpoints, log);

const shutdown = farmShutdown({
  farm,
  graceMs: drainGraceMs({ jobTimeoutMs: config.FARM_JOB_TIMEOUT_MS, drainTimeoutMs: config.FARM_DRAIN_TIMEOUT_MS, workers: served }),
  log,
  cleanup: async () => {
    await ops?.close();
    await closeChecks(opsEndpoints);
    await events?.stop();
    await inboxRetries?.stop();
    await zeebe.close().catch(() => undefined);
    await db.end().catch(() => undefined);
  },
  exit: (code) => process.exit(code),
});
process.on('SIGTERM', () => shutdown.onSignal('SIGTERM'));
process.on('SIGINT', () => shutdown.onSignal('SIGINT'));
