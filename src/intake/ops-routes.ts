// The intake's operations endpoints (contracts/openapi/operations.yaml), the same answers as a farm
// replica's own server gives.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { opsResponse, type OpsEndpoints } from '../platform/ops-endpoints.ts';

export function opsRoutes(app: FastifyInstance, ops: OpsEndpoints): void {
  const answer = async (path: string, reply: FastifyReply) => {
    const r = await opsResponse(ops, path);
    if (!r) return reply.code(404).send();
    return reply.code(r.status).header('content-type', r.contentType).header('cache-control', 'no-store').send(r.body);
  };
  // probes and scrapes are frequent: their request lines stay out of the info log
  app.get('/metrics', { logLevel: 'warn' }, (_req, reply) => answer('/metrics', reply));
  app.get('/health/live', { logLevel: 'warn' }, (_req, reply) => answer('/health/live', reply));
  app.get('/health/ready', { logLevel: 'warn' }, (_req, reply) => answer('/health/ready', reply));
}
