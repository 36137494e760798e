import { z } from 'zod';
import { releaseInventory } from '../src/core/use-cases/release-inventory.ts';
import { farmWorker } from './farm-worker.ts';
import { orderItemScope } from './variables.ts';

export default farmWorker({
  type: 'inventory.release-resource.v1',
  description: 'Compensation: releases the reservation of one order item',
  variables: orderItemScope,
  output: z.object({ released: z.boolean() }),
  bpmnErrors: [],
  handle: ({ services, job, variables }) => releaseInventory(services, job, variables),
});
