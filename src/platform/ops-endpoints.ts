// What the operations endpoints answer, independent of the HTTP server that serves them (the farm's
// own small server, the intake's fastify app): GET /metrics, /health/live, /health/ready.
import type { Registry } from 'prom-client';
import { checkHealth, type HealthCheck } from './health.ts';

export interface OpsEndpoints {
  readonly registry: Registry;
  /** the process is up and its event loop turns: restart it when this fails */
  readonly liveness: readonly HealthCheck[];
  /** the process can do its work (engine, database, Kafka reachable) */
  readonly readiness: readonly HealthCheck[];
  readonly checkTimeoutMs?: number;
}

export interface OpsResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export const OPS_PATHS = ['/metrics', '/health/live', '/health/ready'] as const;

/** The answer to a GET of one of OPS_PATHS; undefined for any other path. */
export async function opsResponse(ops: OpsEndpoints, path: string): Promise<OpsResponse | undefined> {
  switch (path) {
    case '/metrics':
      return { status: 200, contentType: ops.registry.contentType, body: await ops.registry.metrics() };
    case '/health/live':
    case '/health/ready': {
      const report = await checkHealth(path === '/health/live' ? ops.liveness : ops.readiness, { timeoutMs: ops.checkTimeoutMs });
      return { status: report.status === 'UP' ? 200 : 503, contentType: 'application/json; charset=utf-8', body: JSON.stringify(report) };
    }
    default:
      return undefined;
  }
}

export async function closeChecks(ops: Pick<OpsEndpoints, 'liveness' | 'readiness'>): Promise<void> {
  await Promise.all([...ops.liveness, ...ops.readiness].map(async (c) => c.close?.()));
}
