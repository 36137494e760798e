// Messages (publication buffers for the TTL; correlation succeeds now or 404s) and signals.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { MessageCorrelationResult, MessagePublicationResult, SignalBroadcastResult } from '@camunda8/orchestration-cluster-api';
import type { Engine } from '../../api.ts';
import { asKey } from '../records.ts';
import { parseWith, variablesSchema } from '../validation.ts';

const publicationSchema = z.object({
  name: z.string().min(1),
  correlationKey: z.string().optional(),
  timeToLive: z.number().int().min(0).optional(),
  messageId: z.string().optional(),
  variables: variablesSchema.optional(),
  tenantId: z.string().min(1).optional(),
});

const correlationSchema = z.object({
  name: z.string().min(1),
  correlationKey: z.string().optional(),
  variables: variablesSchema.optional(),
  tenantId: z.string().min(1).optional(),
});

const broadcastSchema = z.object({
  signalName: z.string().min(1),
  variables: variablesSchema.optional(),
  tenantId: z.string().min(1).optional(),
});

export function registerMessageRoutes(app: FastifyInstance, engine: Engine): void {
  app.post('/messages/publication', async (request): Promise<MessagePublicationResult> => {
    const body = parseWith(publicationSchema, request.body, 'message publication request');
    const published = await engine.publishMessage({
      name: body.name,
      correlationKey: body.correlationKey ?? '',
      timeToLive: body.timeToLive ?? 0,
      messageId: body.messageId === '' ? undefined : body.messageId,
      variables: body.variables,
      tenantId: body.tenantId,
    });
    return { messageKey: asKey(published.key), tenantId: asKey(published.tenantId) };
  });

  app.post('/messages/correlation', async (request): Promise<MessageCorrelationResult> => {
    const body = parseWith(correlationSchema, request.body, 'message correlation request');
    const correlated = await engine.correlateMessage({
      name: body.name,
      correlationKey: body.correlationKey ?? '',
      variables: body.variables,
      tenantId: body.tenantId,
    });
    return {
      messageKey: asKey(correlated.messageKey),
      processInstanceKey: asKey(correlated.processInstanceKey),
      tenantId: asKey(correlated.tenantId),
    };
  });

  app.post('/signals/broadcast', async (request): Promise<SignalBroadcastResult> => {
    const body = parseWith(broadcastSchema, request.body, 'signal broadcast request');
    const broadcast = await engine.broadcastSignal(body.signalName, body.variables ?? {}, body.tenantId);
    return { signalKey: asKey(broadcast.key), tenantId: asKey(broadcast.tenantId) };
  });
}
