import { z } from 'zod';
import { recordOrderStatus } from '../src/core/use-cases/record-order-status.ts';
import { ORDER_STATUSES } from '../src/core/domain/order.ts';
import { farmWorker } from './farm-worker.ts';
import { orderScope } from './variables.ts';

export default farmWorker({
  type: 'order.record-status.v1',
  description: 'Records the outcome the model reached for the order (header orderStatus)',
  variables: orderScope.extend({ falloutReason: z.string().nullish() }),
  headers: z.object({ orderStatus: z.enum(ORDER_STATUSES) }),
  output: z.object({ orderStatus: z.enum(ORDER_STATUSES) }),
  bpmnErrors: [],
  handle: ({ services, job, variables, headers }) =>
    recordOrderStatus(services, { orderId: variables.orderId, status: headers.orderStatus, elementId: job.elementId, causationId: `job:${job.key}`, reason: variables.falloutReason ?? undefined }),
});
