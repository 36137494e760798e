import { z } from 'zod';
import { notifyCustomer } from '../src/core/use-cases/notify-customer.ts';
import { farmWorker } from './farm-worker.ts';
import { orderScope } from './variables.ts';

export default farmWorker({
  type: 'notification.send-order-confirmation.v1',
  description: 'Sends the order confirmation to the customer (once)',
  variables: orderScope,
  // notificationId null + notificationSkipped (why): the tenant's NOTIFICATION_SEND_EMAIL capability is disabled
  output: z.union([z.object({ notificationId: z.string() }), z.object({ notificationId: z.null(), notificationSkipped: z.string() })]),
  bpmnErrors: [],
  handle: ({ services, job, variables }) => notifyCustomer(services, job, variables),
});
