// The order as the intake accepts it and the fulfillment reads it (the durable snapshot in
// customer_order.order_snapshot). BPMN variables carry only ids; services load this by orderId.
import { z } from 'zod';

export const ORDER_STATUSES = ['ACCEPTED', 'IN_FULFILLMENT', 'COMPLETED', 'REJECTED', 'FALLOUT', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const id = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
/** Free text stored in the order snapshot (jsonb): PostgreSQL cannot store U+0000, so it is refused here, as bad input. */
const text = (max: number) => z.string().max(max).refine((value) => !value.includes('\u0000'), 'must not contain the NUL character (U+0000)');
const money = z.string().regex(/^\d+(\.\d{1,4})?$/, 'a decimal amount such as "750000.00"');

export const orderItemSchema = z.object({
  orderItemId: id,
  productCode: id,
  /** what inventory reserves for the item (a number, a device, a port) */
  resourceType: z.enum(['PHONE_NUMBER', 'DEVICE', 'PORT', 'IP_ADDRESS']),
  serviceSpecificationCode: id,
  quantity: z.number().int().min(1).max(100).default(1),
  technicalParameters: z
    .record(text(100).pipe(z.string().min(1)), z.union([text(1_000), z.number(), z.boolean()]))
    .refine((parameters) => Object.keys(parameters).length <= 50, 'at most 50 technical parameters')
    .default({}),
});

export const chargeSchema = z.object({
  chargeId: id,
  chargeType: z.enum(['RECURRING', 'ONE_TIME']),
  amount: money,
  currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'),
  billingFrequency: z.enum(['MONTHLY', 'QUARTERLY', 'YEARLY', 'ONCE']),
});

export const subscriptionSchema = z.object({
  subscriptionId: id,
  billingAccountId: id,
  activationDate: z.iso.date(),
  /** version of the billing-ready charge snapshot; part of the billing idempotency key */
  chargeSnapshotVersion: z.number().int().min(1),
  charges: z.array(chargeSchema).min(1).max(50),
});

export const contactSchema = z.object({
  recipientId: id,
  email: z.email(),
  displayName: text(200).pipe(z.string().min(1)),
});

/** What the intake accepts (the order id is assigned by the intake). */
export const orderRequestSchema = z.object({
  tenantId: id,
  customerAccountId: id,
  marketSegment: z.enum(['CONSUMER', 'SMB', 'ENTERPRISE']).default('SMB'),
  items: z.array(orderItemSchema).min(1).max(20),
  subscription: subscriptionSchema,
  contact: contactSchema,
});
export type OrderRequest = z.infer<typeof orderRequestSchema>;

export const orderSnapshotSchema = orderRequestSchema.extend({ orderId: id, correlationId: z.string().min(1) });
export type OrderSnapshot = z.infer<typeof orderSnapshotSchema>;
export type OrderItem = z.infer<typeof orderItemSchema>;
