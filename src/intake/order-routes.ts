// POST /orders (Idempotency-Key required) and GET /orders/:orderId.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acceptOrder, type AcceptOrderDeps } from '../core/use-cases/accept-order.ts';
import { readOrder } from '../core/use-cases/read-order.ts';
import { orderRequestSchema } from '../core/domain/order.ts';
import { problemType, sendProblem } from './problem.ts';
import { orderRateLimitConfig, type IntakeRateLimit } from './auth/intake-rate-limit.ts';

const headerValue = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only');
const correlationHeader = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/);

export function orderRoutes(app: FastifyInstance, deps: AcceptOrderDeps, rateLimit: IntakeRateLimit): void {
  // per client (the token's), after the bearer guard
  app.post('/orders', { config: orderRateLimitConfig(rateLimit) }, async (req, reply) => {
    const key = headerValue.safeParse(req.headers['idempotency-key']);
    if (!key.success) {
      return sendProblem(reply, { type: problemType('idempotency-key-required'), title: 'Idempotency-Key header required', status: 400, detail: 'Send an Idempotency-Key header (1–200 visible characters) so that a retried request cannot create a second order.' });
    }
    const corr = req.headers['x-correlation-id'] === undefined ? undefined : correlationHeader.safeParse(req.headers['x-correlation-id']);
    if (corr && !corr.success) {
      return sendProblem(reply, { type: problemType('bad-correlation-id'), title: 'Invalid X-Correlation-Id', status: 400, detail: 'X-Correlation-Id must be 1–100 characters of letters, digits, . _ : -' });
    }
    const body = orderRequestSchema.safeParse(req.body);
    if (!body.success) {
      return sendProblem(reply, {
        type: problemType('invalid-order'),
        title: 'The order does not match the order contract',
        status: 400,
        detail: `${body.error.issues.length} field(s) are invalid`,
        errors: body.error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', message: i.message })),
      });
    }
    const result = await acceptOrder(deps, body.data, key.data, corr?.data);
    switch (result.kind) {
      case 'accepted':
        return reply.code(202).headers({ location: `/orders/${result.order.orderId}`, ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}) }).send(result.order);
      case 'key-reused':
        return sendProblem(reply, { type: problemType('idempotency-key-reused'), title: 'Idempotency-Key reused', status: 409, detail: result.message });
      case 'in-progress':
        return sendProblem(reply, { type: problemType('idempotency-key-in-progress'), title: 'A request with this Idempotency-Key is in progress', status: 409, detail: `${result.message}. Retry the same request with the same Idempotency-Key for its answer.` }, { 'retry-after': String(result.retryAfterSeconds) });
      case 'start-failed':
        return sendProblem(reply, { type: problemType('engine-unavailable'), title: 'Fulfillment could not be started yet', status: 503, detail: `${result.message}. Retry the same request with the same Idempotency-Key.` }, { 'retry-after': '5' });
    }
  });

  app.get<{ Params: { orderId: string } }>('/orders/:orderId', async (req, reply) => {
    const order = await readOrder(deps.db, req.params.orderId);
    if (!order) return sendProblem(reply, { type: problemType('order-not-found'), title: 'Order not found', status: 404, detail: `no order ${req.params.orderId}` });
    return reply.send(order);
  });
}
