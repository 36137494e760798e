// `npm run farm [-- --only type,type] [-- --concurrency N]`: one farm process (a replica). Applies
// pending migrations, opens a job stream per served job type, and drains on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { workers } from '../../workers/index.ts';
import { createCamunda } from '../platform/camunda.ts';
import { loadConfig } from '../platform/config.ts';
import { createDatabasePool } from '../platform/db.ts';
import { createLogger } from '../platform/logger.ts';
import { migrate } from '../platform/migrate.ts';
import { startEventProcessing } from '../events/event-processing.ts';
import { farmInboxRetryHandlers, startInboxRetries } from '../events/inbox-retries.ts';
import { startFarm } from '../worker-runtime/farm.ts';
import { createFarmServices } from './create-services.ts';

const { values } = parseArgs({ options: { only: { type: 'string' }, concurrency: { type: 'string' } } });
const config = loadConfig();
const log = createLogger('farm', config.LOG_LEVEL);
const only = values.only ? values.only.split(',').map((t) => t.trim()).filter(Boolean) : config.FARM_JOB_TYPES;
const unknown = only.filter((t) => !workers.some((w) => w.type === t));
if (unknown.length) {
  log.fatal({ unknown, known: workers.map((w) => w.type) }, 'unknown job type(s) requested');
  process.exit(2);
}
const served = only.length ? workers.filter((w) => only.includes(w.type)) : workers;

const applied = await migrate(config);
if (applied.applied.length) log.info({ migrations: applied.applied }, 'database migrated');
const db = await createDatabasePool(config, 'farm');
const camunda = createCamunda(config);
const zeebe = camunda.getZeebeGrpcApiClient();
const services = createFarmServices(config, db, zeebe, log);
const farm = await startFarm({
  zeebe,
  gatewayAddress: config.ZEEBE_GRPC_ADDRESS,
  workers: served,
  services,
  log,
  maxConcurrentJobs: values.concurrency ? Number(values.concurrency) : config.FARM_MAX_CONCURRENT_JOBS,
  jobTimeoutMs: config.FARM_JOB_TIMEOUT_MS,
});
const inboxRetries = startInboxRetries({ db, log, handlers: farmInboxRetryHandlers(db, services.messages) });
const events = config.FARM_EVENTS === 'on' ? startEventProcessing({ config, db, messages: services.messages, log }) : undefined;
log.info({ jobTypes: farm.jobTypes, events: config.FARM_EVENTS, pid: process.pid }, 'farm ready');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal, inFlight: farm.inFlight() }, 'draining: no new jobs, waiting for running ones');
  const left = await farm.drain(config.FARM_DRAIN_TIMEOUT_MS);
  if (left > 0) log.warn({ left }, 'drain timeout reached; unfinished jobs time out in the engine and run elsewhere');
  await events?.stop();
  await inboxRetries.stop();
  await zeebe.close().catch(() => undefined);
  await db.end().catch(() => undefined);
  log.info('farm stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
