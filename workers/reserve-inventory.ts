import { z } from 'zod';
import { reserveInventory } from '../src/core/use-cases/reserve-inventory.ts';
import { BPMN_ERRORS } from '../src/core/domain/bpmn-errors.ts';
import { farmWorker } from './farm-worker.ts';
import { orderItemScope } from './variables.ts';

export default farmWorker({
  type: 'inventory.reserve-resource.v1',
  description: 'Reserves the resource one order item needs',
  variables: orderItemScope,
  output: z.object({ reservationId: z.string() }),
  bpmnErrors: [BPMN_ERRORS.inventoryUnavailable, BPMN_ERRORS.externalConflict],
  handle: ({ services, job, variables }) => reserveInventory(services, job, variables),
});
