// Operator API for the console's order pages (contracts/openapi/operator.yaml): the order list,
// one order with its steps, ledger attempts, evidence, cases and events, and the Retry of its
// incidents. Reads need the role operator or viewer, the retry operator (auth/access-policy.ts).
import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { ORDER_STATUSES } from '../core/domain/order.ts';
import type { EnginePort } from '../core/ports/engine.ts';
import { listOrders, ORDER_LIST_VIEWS } from '../core/use-cases/list-orders.ts';
import { orderOverview } from '../core/use-cases/order-overview.ts';
import { retryOrderIncidentsByOperator } from '../core/use-cases/retry-order-incidents-by-operator.ts';
import { EngineSearch } from '../platform/engine-search.ts';
import { principalOf } from './auth/api-auth-hook.ts';
import { problemType, sendProblem } from './problem.ts';

export interface OperatorOrderDeps {
  readonly db: DatabasePool;
  readonly engine: EnginePort;
  /** the engine's incident search; by default one made from this process's settings when first needed */
  readonly search?: Pick<EngineSearch, 'incidents'> | undefined;
}

const orderListQuery = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  view: z.enum(ORDER_LIST_VIEWS).optional(),
  q: z.string().min(1).max(100).optional(),
  // comma-separated process instance keys (the engine's are decimal)
  instance: z
    .string()
    .regex(/^\d{1,20}(,\d{1,20}){0,99}$/, 'up to 100 process instance keys, comma-separated')
    .transform((keys) => keys.split(','))
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(400).optional(),
});
// the order id alphabet of the order contract (src/core/domain/order.ts)
const orderParams = z.object({ orderId: z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/) });

const issuesText = (issues: readonly z.core.$ZodIssue[]) => issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ');

export function operatorOrderRoutes(app: FastifyInstance, deps: OperatorOrderDeps): void {
  let search = deps.search;
  const incidentSearch = () => (search ??= new EngineSearch());

  app.get('/operator/orders', async (req, reply) => {
    const q = orderListQuery.safeParse(req.query);
    if (!q.success) return sendProblem(reply, { type: problemType('bad-query'), title: 'Invalid query', status: 400, detail: issuesText(q.error.issues) });
    const { instance, ...rest } = q.data;
    const page = await listOrders(deps.db, { ...rest, processInstanceKeys: instance });
    if (page.kind === 'bad-cursor') return sendProblem(reply, { type: problemType('bad-query'), title: 'Invalid query', status: 400, detail: 'cursor: not a cursor of this list (take nextCursor of the previous page)' });
    return reply.header('cache-control', 'no-store').send({ orders: page.orders, nextCursor: page.nextCursor });
  });

  app.get('/operator/orders/:orderId', async (req, reply) => {
    const p = orderParams.safeParse(req.params);
    if (!p.success) return sendProblem(reply, { type: problemType('bad-order-id'), title: 'Invalid order id', status: 400, detail: 'orderId must be 1-100 characters of letters, digits and . _ : -' });
    const overview = await orderOverview(deps.db, p.data.orderId);
    if (!overview) return sendProblem(reply, { type: problemType('order-not-found'), title: 'Order not found', status: 404, detail: `no order ${p.data.orderId}` });
    return reply.header('cache-control', 'no-store').send(overview);
  });

  app.post('/operator/orders/:orderId/incidents/retry', async (req, reply) => {
    const p = orderParams.safeParse(req.params);
    if (!p.success) return sendProblem(reply, { type: problemType('bad-order-id'), title: 'Invalid order id', status: 400, detail: 'orderId must be 1-100 characters of letters, digits and . _ : -' });
    const orderId = p.data.orderId;
    let result;
    try {
      result = await retryOrderIncidentsByOperator(deps.db, deps.engine, incidentSearch(), orderId);
    } catch (err) {
      // the engine (its search or its command side) did not answer: nothing was decided, asking again is safe
      req.log.warn({ err, orderId }, 'operator retry: the engine could not be reached');
      return sendProblem(reply, { type: problemType('engine-unreachable'), title: 'The engine could not be reached', status: 503, detail: `the incidents of order ${orderId} could not be read or resumed now; try again shortly` }, { 'retry-after': '5' });
    }
    switch (result.kind) {
      case 'order-not-found':
        return sendProblem(reply, { type: problemType('order-not-found'), title: 'Order not found', status: 404, detail: `no order ${orderId}` });
      case 'case-open':
        return sendProblem(reply, { type: problemType('reconciliation-case-open'), title: 'A reconciliation case of the order is open', status: 409, detail: result.reason });
      case 'nothing-to-retry':
        return sendProblem(reply, { type: problemType('nothing-to-retry'), title: 'Nothing to retry', status: 409, detail: result.reason });
      case 'retried':
        req.log.info({ orderId, operator: principalOf(req)?.displayName, jobs: result.jobs }, 'operator retried the incidents of an order');
        return reply.send({ orderId, jobs: result.jobs });
    }
  });
}
