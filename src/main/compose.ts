// The composition root of the farm's long-running processes. Each entry point (farm.ts, intake.ts,
// relay.ts) reads its configuration, asks this file to compose its parts, serves, and shuts down;
// what the processes share (database pool, the one gateway channel, message publisher, engine
// port) is built here and only here, so no process borrows another's pieces.
import { provisioningSigning } from '../adapters/provisioning/signature.ts';
import { collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { engineOverGateway } from '../adapters/engine/engine-port.ts';
import { intakeStartPublisher } from '../adapters/engine/bounded-starts.ts';
import { suffixedMessages } from '../adapters/engine/model-suffix.ts';
import type { FarmServices } from '../core/services.ts';
import { inboxRetryHandlers } from '../core/provisioning-results/inbox-handlers.ts';
import { startInboxRetries } from '../events/inbox-retries.ts';
import { kafkajsBus } from '../events/kafkajs-bus.ts';
import { startRelay, type Relay } from '../events/relay.ts';
import { buildIntakeServer } from '../intake/server.ts';
import { apiAccess } from '../intake/auth/api-access.ts';
import { consoleSettings } from '../intake/console/console-settings.ts';
import type { Config } from '../platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../platform/db.ts';
import { pgClientConfig } from '../platform/database-connection.ts';
import { databaseCheck, engineCheck, eventLoopCheck } from '../platform/health-checks.ts';
import { createLogger, exitOnFatalErrors, flushLogs, type Logger } from '../platform/logger.ts';
import { metrics } from '../platform/metrics.ts';
import { migrate } from '../platform/migrate.ts';
import { closeChecks, type OpsEndpoints } from '../platform/ops-endpoints.ts';
import { startFarm, type Farm } from '../worker-runtime/farm.ts';
import type { FarmArgs } from './farm/args.ts';
import { farmOpsEndpoints, serveFarmOps } from './farm/ops.ts';
import { drainGraceMs, farmShutdown, type Shutdown } from './farm/shutdown.ts';
import { TOPICS } from './event-side.ts';
import { openGateway } from './gateway.ts';
import { createFarmServices } from './services.ts';

/** What every process starts from: its logger (flushed on a fatal error), migrated database and pool. */
export interface ProcessBase {
  readonly config: Config;
  readonly log: Logger;
  readonly db: DatabasePool;
}

async function openBase(name: string, config: Config): Promise<ProcessBase> {
  const log = createLogger(name, config.LOG_LEVEL);
  exitOnFatalErrors(log);
  const applied = await migrate(config);
  if (applied.applied.length) log.info({ migrations: applied.applied }, 'database migrated');
  return { config, log, db: await createDatabasePool(config, name) };
}

/** Writes out the logs and exits: the last step of every process. */
export function exitProcess(log: Logger, code: number): never {
  flushLogs(log);
  process.exit(code);
}

export interface FarmProcess {
  readonly log: Logger;
  readonly farm: Farm;
  /** Operations endpoints up, metrics collected, "farm ready" logged. */
  serve(): Promise<void>;
  /** Drains on the first signal, exits on the second or at the deadline (src/main/farm/shutdown.ts). */
  readonly shutdown: Shutdown;
}

export async function composeFarm(config: Config, args: FarmArgs<FarmServices>): Promise<FarmProcess> {
  const { log, db } = await openBase('farm', config);
  const gateway = openGateway(config);
  const base = createFarmServices(config, db, gateway, log);
  const services = args.suffix === undefined ? base : { ...base, messages: suffixedMessages(base.messages, args.suffix) };
  const farm = await startFarm({
    gateway,
    workers: args.served,
    services,
    log,
    maxConcurrentJobs: args.concurrency,
    jobTimeoutMs: config.FARM_JOB_TIMEOUT_MS,
    ...(args.suffix === undefined ? {} : { jobTypeSuffix: args.suffix }),
  });
  const inboxRetries = args.suffix === undefined ? startInboxRetries({ db, log, handlers: inboxRetryHandlers(db, services.messages) }) : undefined;
  // the Kafka client is loaded only by replicas that run the event side (~15 MB less in the others)
  const events = args.events ? (await import('./event-side.ts')).startEventProcessing({ config, db, messages: services.messages, log }) : undefined;
  let ops: Awaited<ReturnType<typeof serveFarmOps>>;
  let opsEndpoints: OpsEndpoints | undefined;

  const shutdown: Shutdown = farmShutdown({
    farm,
    graceMs: drainGraceMs({ jobTimeoutMs: config.FARM_JOB_TIMEOUT_MS, drainTimeoutMs: config.FARM_DRAIN_TIMEOUT_MS, workers: args.served }),
    log,
    cleanup: async () => {
      await ops?.close();
      if (opsEndpoints) await closeChecks(opsEndpoints);
      await events?.stop();
      await inboxRetries?.stop();
      gateway.close();
      await db.end().catch(() => undefined);
    },
    exit: (code) => exitProcess(log, code),
  });

  return {
    log,
    farm,
    shutdown,
    async serve() {
      log.info({ role: args.role, jobTypes: farm.jobTypes, events: args.events ? 'on' : 'off', pid: process.pid }, 'farm ready');
      collectDefaultMetrics({ register: metrics.registry });
      opsEndpoints = farmOpsEndpoints({ config, db, zeebe: gateway, kafka: args.events, draining: () => shutdown.draining(), inFlight: () => farm.inFlight() });
      ops = await serveFarmOps(config, opsEndpoints, log);
    },
  };
}

export interface ServingProcess {
  readonly log: Logger;
  serve(): Promise<void>;
  /** Stops serving and closes what the process opened (then exitProcess). */
  stop(): Promise<void>;
}

/** The order intake and callback HTTP server: writes orders and outbox rows, publishes messages. */
export async function composeIntake(config: Config): Promise<ServingProcess> {
  const { log, db } = await openBase('intake', config);
  const gateway = openGateway(config);
  // ready = engine and database answer
  const ops: OpsEndpoints = { registry: metrics.registry, liveness: [eventLoopCheck()], readiness: [engineCheck(gateway), databaseCheck(db)], checkTimeoutMs: config.HEALTH_CHECK_TIMEOUT_MS };
  const app: FastifyInstance = buildIntakeServer({ db, messages: intakeStartPublisher(gateway, { engineTimeoutMs: config.INTAKE_ENGINE_TIMEOUT_MS, maxPendingStarts: config.INTAKE_MAX_PENDING_STARTS }), engine: engineOverGateway(config, gateway), provisioningPollCycle: config.PROVISIONING_POLL_CYCLE, provisioningSla: config.PROVISIONING_SLA, log, ops, access: apiAccess(config), console: consoleSettings(config), callbackSigning: provisioningSigning(config) });
  return {
    log,
    async serve() {
      collectDefaultMetrics({ register: metrics.registry });
      await app.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
    },
    async stop() {
      await app.close();
      await closeChecks(ops);
      gateway.close();
      await db.end().catch(() => undefined);
    },
  };
}

/** An outbox relay on its own (every farm replica with the event side runs one too). */
export async function composeRelay(config: Config): Promise<ServingProcess & { readonly relay: Relay }> {
  const { log, db } = await openBase('relay', config);
  const bus = kafkajsBus({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-relay`, log });
  let relay: Relay | undefined;
  let progress: NodeJS.Timeout | undefined;
  const relayProcess: ServingProcess & { relay: Relay } = {
    log,
    get relay(): Relay {
      if (!relay) throw new Error('the relay is not serving yet');
      return relay;
    },
    async serve() {
      relay = startRelay({ db, database: pgClientConfig(config), bus, log, topics: TOPICS, batchSize: config.OUTBOX_RELAY_BATCH_SIZE });
      log.info('relay started');
      // how many events it published, every 10 s while busy
      let reported = 0;
      const started = relay;
      progress = setInterval(() => {
        if (started.published() !== reported) log.info({ published: started.published(), leader: started.isLeader() }, 'relay progress');
        reported = started.published();
      }, 10_000);
    },
    async stop() {
      if (progress) clearInterval(progress);
      log.info({ published: relay?.published() ?? 0 }, 'relay stopping');
      await relay?.stop();
      await db.end();
    },
  };
  return relayProcess;
}
