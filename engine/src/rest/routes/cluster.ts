// Topology and the controllable clock (GET /v2/status is public: see server.ts).
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { TopologyResponse } from '@camunda8/orchestration-cluster-api';
import type { Engine } from '../../api.ts';
import { parseWith } from '../validation.ts';

/** The broker's internal port as a Camunda topology reports it; this engine has no separate broker. */
const BROKER_PORT = 26501;

const clockPinSchema = z.object({ timestamp: z.number().int().min(0) });

export function registerClusterRoutes(app: FastifyInstance, engine: Engine): void {
  app.get('/topology', async (request): Promise<TopologyResponse> => {
    const topology = engine.topology();
    return {
      brokers: [
        {
          nodeId: 0,
          host: request.hostname,
          port: BROKER_PORT,
          version: topology.gatewayVersion,
          partitions: Array.from({ length: topology.partitionsCount }, (_, index) => ({
            partitionId: index + 1,
            role: 'leader' as const,
            health: 'healthy' as const,
          })),
        },
      ],
      clusterId: null,
      clusterSize: topology.clusterSize,
      partitionsCount: topology.partitionsCount,
      replicationFactor: topology.replicationFactor,
      gatewayVersion: topology.gatewayVersion,
      lastCompletedChangeId: '-1',
    };
  });

  app.put('/clock', async (request, reply) => {
    const { timestamp } = parseWith(clockPinSchema, request.body, 'clock pin request');
    await engine.pinClock(timestamp);
    return reply.code(204).send();
  });

  app.post('/clock/reset', async (_request, reply) => {
    await engine.resetClock();
    return reply.code(204).send();
  });
}
