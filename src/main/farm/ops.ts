// The farm replica's operations endpoints: its metrics, live = the event loop turns, ready = not
// draining and the engine, the database and (when this replica runs the event side) Kafka answer.
import type { Config } from '../../platform/config.ts';
import type { GatewayCommands } from '../../platform/gateway-client.ts';
import type { DatabasePool } from '../../platform/db.ts';
import type { HealthCheck } from '../../platform/health.ts';
import { databaseCheck, engineCheck, eventLoopCheck, kafkaCheck } from '../../platform/health-checks.ts';
import type { Logger } from '../../platform/logger.ts';
import { metrics } from '../../platform/metrics.ts';
import type { OpsEndpoints } from '../../platform/ops-endpoints.ts';
import { startOpsServer, type OpsServer } from '../../platform/ops-server.ts';

export interface FarmOpsDeps {
  readonly config: Config;
  readonly db: DatabasePool;
  readonly zeebe: Pick<GatewayCommands, 'topology'>;
  /** whether this replica relays the outbox / consumes provisioning results (then Kafka must answer) */
  readonly kafka: boolean;
  readonly draining: () => boolean;
  readonly inFlight: () => number;
}

export function farmOpsEndpoints(d: FarmOpsDeps): OpsEndpoints {
  const farm: HealthCheck = {
    name: 'farm',
    async probe() {
      if (d.draining()) throw new Error(`draining: taking no new jobs, ${d.inFlight()} still running`);
      return `${d.inFlight()} job(s) running`;
    },
  };
  return {
    registry: metrics.registry,
    liveness: [eventLoopCheck()],
    readiness: [farm, engineCheck(d.zeebe), databaseCheck(d.db), ...(d.kafka ? [kafkaCheck({ brokers: d.config.KAFKA_BROKERS, clientId: d.config.KAFKA_CLIENT_ID })] : [])],
    checkTimeoutMs: d.config.HEALTH_CHECK_TIMEOUT_MS,
  };
}

/**
 * Serves the endpoints on FARM_HTTP_HOST:FARM_HTTP_PORT. A port already taken (several replicas on
 * one machine with the default port) costs this replica its endpoints, not its work: logged, and
 * the farm runs on.
 */
export async function serveFarmOps(config: Config, endpoints: OpsEndpoints, log: Logger): Promise<OpsServer | undefined> {
  try {
    const server = await startOpsServer({ ...endpoints, host: config.FARM_HTTP_HOST, port: config.FARM_HTTP_PORT, log });
    log.info({ url: server.url, endpoints: ['/metrics', '/health/live', '/health/ready'] }, 'operations endpoints listening');
    return server;
  } catch (err) {
    log.error({ err: (err as Error).message, host: config.FARM_HTTP_HOST, port: config.FARM_HTTP_PORT }, 'operations endpoints not served (set FARM_HTTP_PORT to a free port); the farm runs without /metrics and /health');
    return undefined;
  }
}
