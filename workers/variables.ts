// Process variables the workers read, as the model writes them (bpmn/README.md).
import { z } from 'zod';

export const orderId = z.string().min(1, 'orderId is required').max(100);
export const orderItemId = z.string().min(1, 'orderItemId is required').max(100);

export const orderScope = z.object({ orderId });
export const orderItemScope = z.object({ orderId, orderItemId });

export const caseId = z.uuid('caseId must be a reconciliation case id');
export const caseScope = z.object({ caseId });
