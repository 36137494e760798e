// Sample orders for the demo and the tests. Every id is unique per call, so orders never collide in the
// simulators or the database.
import { randomUUID } from 'node:crypto';
import type { OrderRequest } from '../../src/core/domain/order.ts';

export interface SampleOrderOptions {
  readonly items?: number;
  readonly customerAccountId?: string;
  readonly billingAccountId?: string;
  readonly serviceSpecificationCode?: string;
  /** inventory constraint `stock` on the first item (0 = out of stock) */
  readonly stock?: number;
  readonly tenantId?: string;
}

export function sampleOrder(opts: SampleOrderOptions = {}): OrderRequest {
  const tag = randomUUID().slice(0, 8);
  const items = Array.from({ length: opts.items ?? 1 }, (_, i) => ({
    orderItemId: `item-${i + 1}-${tag}`,
    productCode: 'FIBER-1G',
    resourceType: 'PHONE_NUMBER' as const,
    serviceSpecificationCode: opts.serviceSpecificationCode ?? 'SPEC-FIBER-1G',
    quantity: 1,
    technicalParameters: (i === 0 && opts.stock !== undefined ? { stock: opts.stock } : { region: 'JKT' }) as Record<string, string | number | boolean>,
  }));
  return {
    tenantId: opts.tenantId ?? 'tenant-a',
    customerAccountId: opts.customerAccountId ?? `CUST-${tag}`,
    marketSegment: 'SMB',
    items,
    subscription: {
      subscriptionId: `sub-${tag}`,
      billingAccountId: opts.billingAccountId ?? `BA-${tag}`,
      activationDate: '2026-12-01',
      chargeSnapshotVersion: 1,
      charges: [{ chargeId: `chg-${tag}`, chargeType: 'RECURRING', amount: '750000.00', currency: 'IDR', billingFrequency: 'MONTHLY' }],
    },
    contact: { recipientId: `contact-${tag}`, email: `ops+${tag}@example.com`, displayName: 'PT Example' },
  };
}
