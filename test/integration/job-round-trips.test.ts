// The jobs' database round trips, counted at the pg driver (BEGIN and COMMIT count) on the real
// PostgreSQL: every job type's use case takes at most 2 on its success path, the first job (CRM,
// which also links the instance and starts the fulfillment) included. The external systems are
// stand-ins answering at once; the tenant registry is warmed first (it is cached, off the hot path).
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import type { SystemPorts } from '../../src/core/ports/systems.ts';
import type { JobRef } from '../../src/core/ports/job.ts';
import type { FarmServices } from '../../src/core/services.ts';
import { orderSnapshotSchema, type OrderSnapshot } from '../../src/core/domain/order.ts';
import { idempotencyKeys } from '../../src/core/domain/idempotency-keys.ts';
import { validateCustomerAccount } from '../../src/core/use-cases/validate-customer-account.ts';
import { reserveInventory } from '../../src/core/use-cases/reserve-inventory.ts';
import { activateService } from '../../src/core/use-cases/activate-service.ts';
import { activateBilling } from '../../src/core/use-cases/activate-billing.ts';
import { notifyCustomer } from '../../src/core/use-cases/notify-customer.ts';
import { releaseInventory } from '../../src/core/use-cases/release-inventory.ts';
import { deactivateService } from '../../src/core/use-cases/deactivate-service.ts';
import { recordOrderStatus } from '../../src/core/use-cases/record-order-status.ts';
import { checkProvisioningStatus } from '../../src/core/use-cases/check-provisioning-status.ts';
import { createFarmServices } from '../../src/main/services.ts';
import { suffixedMessages } from '../../src/adapters/engine/model-suffix.ts';
import { zeebeMessagePublisher } from '../../src/adapters/engine/message-publisher.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createZeebeClient } from '../../src/platform/zeebe-client.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { counted } from '../support/round-trip-counter.ts';

const config = loadConfig();
let db: DatabasePool;
let zeebe: ReturnType<typeof createZeebeClient>;
let s: FarmServices;

const exchange = { httpStatus: 200 };
const ports: SystemPorts = {
  crm: { validateCustomerAccount: async () => ({ kind: 'succeeded', value: { accountStatus: 'ACTIVE', billingAccountId: 'BA-1', eligibilityFlags: [] }, exchange }) },
  inventory: {
    reserve: async () => ({ kind: 'succeeded', value: { reservationId: `RES-${randomUUID()}`, resources: [] }, externalReferenceId: `RES-${randomUUID()}`, exchange }),
    release: async (cmd: { reservationId: string }) => ({ kind: 'succeeded', value: { reservationId: cmd.reservationId, released: true }, exchange }),
    findReservation: async () => ({ kind: 'succeeded', value: undefined, exchange }),
  },
  provisioning: {
    submit: async () => ({ kind: 'accepted', value: { providerRequestId: `PRV-${randomUUID()}`, status: 'ACCEPTED' }, externalRequestId: `PRV-${randomUUID()}`, exchange }),
    status: async (id: string) => ({ kind: 'succeeded', value: { providerRequestId: id, status: 'IN_PROGRESS' }, exchange }),
    findByIdempotencyKey: async () => ({ kind: 'succeeded', value: undefined, exchange }),
  },
  billing: {
    activate: async () => ({ kind: 'succeeded', value: { externalBillingId: `BILL-${randomUUID()}`, activatedAt: '2026-12-01T00:00:00Z' }, exchange }),
    findActivation: async () => ({ kind: 'succeeded', value: undefined, exchange }),
  },
  notification: {
    send: async () => ({ kind: 'succeeded', value: { messageId: `MSG-${randomUUID()}` }, exchange }),
    findSent: async () => ({ kind: 'succeeded', value: [], exchange }),
  },
} as unknown as SystemPorts;

const job = (type: string, elementId: string): JobRef => ({
  key: String(Math.floor(Math.random() * 1e15)),
  type,
  retries: 3,
  processInstanceKey: String(Math.floor(Math.random() * 1e15)),
  bpmnProcessId: 'order-fulfillment',
  elementId,
  elementInstanceKey: String(Math.floor(Math.random() * 1e15)),
  tenantId: '<default>',
  deadline: Date.now() + 60_000,
});

/** An accepted order, as the intake stores it (its start message is not the point here). */
async function acceptedOrder(): Promise<OrderSnapshot> {
  const order = orderSnapshotSchema.parse({ ...sampleOrder(), orderId: `ord-${randomUUID()}`, correlationId: `corr-${randomUUID()}` });
  await db.query(sql.unsafe`
    with o as (
      insert into customer_order (order_id, tenant_id, customer_account_id, order_status, correlation_id, order_snapshot)
      values (${order.orderId}, ${order.tenantId}, ${order.customerAccountId}, 'ACCEPTED', ${order.correlationId}, ${sql.jsonb(order as never)})
      returning order_id)
    insert into order_orchestration_link (order_id, process_key, start_message_id) select order_id, 'order-fulfillment', order_id from o`);
  return order;
}

beforeAll(async () => {
  db = await createDatabasePool(config, 'job-round-trips-test');
  zeebe = createZeebeClient(config);
  // messages (a case's reconciliation start) go to a name no deployed model waits for
  const messages = suffixedMessages(zeebeMessagePublisher(zeebe), `jrt${randomUUID().slice(0, 8)}`);
  s = { ...createFarmServices(config, db, zeebe, createLogger('job-round-trips-test', 'silent')), portsFor: () => ports, messages };
  // connections opened and the tenant's registry entry cached before counting
  await Promise.all([1, 2, 3].map(() => db.query(sql.unsafe`select 1`)));
  const tenantId = sampleOrder().tenantId;
  await s.registry.capability(tenantId, 'CRM', 'CRM_VALIDATE_ACCOUNT');
  for (const system of ['CRM', 'INVENTORY', 'PROVISIONING', 'BILLING', 'NOTIFICATION'] as const) await s.registry.binding(tenantId, system);
});
afterAll(async () => {
  await zeebe.close();
  await db.end();
});

const statusOf = (orderId: string) => db.oneFirst(sql.type(z.object({ order_status: z.string() }))`select order_status from customer_order where order_id = ${orderId}`);
const eventsOf = (orderId: string) =>
  db.anyFirst(sql.type(z.object({ event_type: z.string() }))`select event_type from outbox_event where message_key = ${orderId} order by outbox_seq`);

test('every job type of an order takes at most 2 round trips on its success path', async () => {
  const order = await acceptedOrder();
  const item = order.items[0]?.orderItemId ?? '';
  const trips: Record<string, readonly string[]> = {};
  const run = async (name: string, work: () => Promise<{ kind: string }>) => {
    const { value, statements } = await counted(work);
    expect({ name, kind: value.kind }).toEqual({ name, kind: 'complete' });
    trips[name] = statements;
  };

  await run('crm.validate-account', () => validateCustomerAccount(s, job('crm.validate-account.v1', 'ServiceTask_ValidateAccount'), { orderId: order.orderId }));
  expect(await statusOf(order.orderId)).toBe('IN_FULFILLMENT');
  await run('inventory.reserve', () => reserveInventory(s, job('inventory.reserve-resource.v1', 'ServiceTask_Reserve'), { orderId: order.orderId, orderItemId: item }));
  await run('provisioning.activate', () => activateService(s, job('provisioning.activate-service.v1', 'ServiceTask_Activate'), { orderId: order.orderId, orderItemId: item }));
  await run('provisioning.check-status', () => checkProvisioningStatus(s, job('provisioning.check-status.v1', 'ServiceTask_CheckStatus'), { orderId: order.orderId, orderItemId: item }));
  await run('billing.activate', () => activateBilling(s, job('billing.activate-subscription.v1', 'ServiceTask_ActivateBilling'), { orderId: order.orderId }));
  await run('notification.send', () => notifyCustomer(s, job('notification.send-order-confirmation.v1', 'ServiceTask_Notify'), { orderId: order.orderId }));
  await run('record-order-status', () => recordOrderStatus(s, { orderId: order.orderId, status: 'COMPLETED', elementId: 'EndEvent_Completed', causationId: 'job:1' }));
  // the compensations, on an order whose item was reserved and activated
  await run('inventory.release', () => releaseInventory(s, job('inventory.release-resource.v1', 'ServiceTask_Release'), { orderId: order.orderId, orderItemId: item }));
  await run('provisioning.deactivate', () => deactivateService(s, job('provisioning.deactivate-service.v1', 'ServiceTask_Deactivate'), { orderId: order.orderId, orderItemId: item }));

  console.log(Object.entries(trips).map(([name, st]) => `${name}: ${st.length}`).join('\n'));
  for (const [name, statements] of Object.entries(trips)) expect({ name, trips: statements.length, statements }).toEqual({ name, trips: Math.min(statements.length, 2), statements });

  expect(await statusOf(order.orderId)).toBe('COMPLETED');
  expect(await eventsOf(order.orderId)).toEqual(['FulfillmentStarted', 'InventoryReserved', 'BillingActivated', 'CustomerNotified', 'OrderFulfilled', 'InventoryReleased']);
  const tasks = await db.any(sql.type(z.object({ task_type: z.string(), status: z.string() }))`
    select task_type, status from fulfillment_task where order_id = ${order.orderId} order by created_at`);
  expect(Object.fromEntries(tasks.map((t) => [t.task_type, t.status]))).toEqual({
    VALIDATE_CUSTOMER_ACCOUNT: 'SUCCEEDED',
    RESERVE_INVENTORY: 'COMPENSATED',
    ACTIVATE_SERVICE: 'COMPENSATED',
    ACTIVATE_BILLING: 'SUCCEEDED',
    NOTIFY_CUSTOMER: 'SUCCEEDED',
    RELEASE_INVENTORY: 'SUCCEEDED',
    DEACTIVATE_SERVICE: 'WAITING_EXTERNAL',
  });
  // the attempts claimed before their request was known carry its hash and snapshot once done
  const unknown = await db.anyFirst(sql.type(z.object({ idempotency_key: z.string() }))`
    select idempotency_key from external_call_attempt a where business_object_id like ${`${order.orderId}%`} and (request_hash = '' or request_snapshot = 'null'::jsonb)`);
  expect(unknown).toEqual([]);
});

test('the first statement claims under the key idempotency-keys.ts gives, and a second run replays without sending', async () => {
  const order = await acceptedOrder();
  const item = order.items[0]?.orderItemId ?? '';
  await validateCustomerAccount(s, job('crm.validate-account.v1', 'ServiceTask_ValidateAccount'), { orderId: order.orderId });
  await reserveInventory(s, job('inventory.reserve-resource.v1', 'ServiceTask_Reserve'), { orderId: order.orderId, orderItemId: item });
  await activateBilling(s, job('billing.activate-subscription.v1', 'ServiceTask_ActivateBilling'), { orderId: order.orderId });
  await notifyCustomer(s, job('notification.send-order-confirmation.v1', 'ServiceTask_Notify'), { orderId: order.orderId });
  const keys = await db.anyFirst(sql.type(z.object({ idempotency_key: z.string() }))`
    select idempotency_key from external_call_attempt where tenant_id = ${order.tenantId} and idempotency_key like ${`%${order.orderId}%`} order by created_at`);
  expect(keys).toEqual([
    idempotencyKeys.customerAccountValidation(order.tenantId, order.orderId, order.customerAccountId),
    idempotencyKeys.inventoryReservation(order.tenantId, order.orderId, item),
    idempotencyKeys.billingActivation(order.tenantId, order.orderId, order.subscription.subscriptionId, order.subscription.chargeSnapshotVersion),
    idempotencyKeys.notification('ORDER_CONFIRMATION', order.orderId, order.contact.recipientId, 'fulfilled_v1'),
  ]);

  let sent = 0;
  const counting = { ...s, portsFor: () => ({ ...ports, inventory: { ...ports.inventory, reserve: async (...a: Parameters<SystemPorts['inventory']['reserve']>) => ((sent += 1), ports.inventory.reserve(...a)) } }) };
  const again = await reserveInventory(counting, job('inventory.reserve-resource.v1', 'ServiceTask_Reserve'), { orderId: order.orderId, orderItemId: item });
  expect(again.kind).toBe('complete');
  expect(sent).toBe(0);
});

test('a job of an unknown order or item writes nothing', async () => {
  const order = await acceptedOrder();
  await expect(reserveInventory(s, job('inventory.reserve-resource.v1', 'ServiceTask_Reserve'), { orderId: order.orderId, orderItemId: 'no-such-item' })).rejects.toThrow(/no item/);
  await expect(activateBilling(s, job('billing.activate-subscription.v1', 'ServiceTask_ActivateBilling'), { orderId: `ord-${randomUUID()}` })).rejects.toThrow(/does not exist/);
  const written = await db.oneFirst(sql.type(z.object({ n: z.number() }))`
    select (select count(*) from fulfillment_task where order_id = ${order.orderId})::int + (select count(*) from external_call_attempt where business_object_id like ${`${order.orderId}%`})::int as n`);
  expect(written).toBe(0);
});

test('the ledger keeps its guarantees for keys claimed before the request was known', async () => {
  const order = await acceptedOrder();
  const item = order.items[0]?.orderItemId ?? '';
  await reserveInventory(s, job('inventory.reserve-resource.v1', 'ServiceTask_Reserve'), { orderId: order.orderId, orderItemId: item });
  const key = idempotencyKeys.inventoryReservation(order.tenantId, order.orderId, item);
  // a different request under the used key: its hash was stored with the result, so it is refused, not sent
  let sent = false;
  const other = await s.calls.run({
    tenantId: order.tenantId,
    system: 'INVENTORY',
    operation: 'RESERVE_RESOURCE',
    businessObject: { type: 'ORDER_ITEM', id: `${order.orderId}/${item}` },
    idempotencyKey: key,
    correlationId: order.correlationId,
    causationId: 'test',
    request: { something: 'else' },
    resultSchema: z.unknown(),
    send: async () => ((sent = true), { kind: 'succeeded', value: {}, exchange }),
    leaseMs: 60_000,
  });
  expect(other).toMatchObject({ kind: 'conflict', source: 'ledger' });
  expect(sent).toBe(false);

  // a worker that claimed in its first statement and died before storing anything: the attempt has
  // no request hash; once its lease is out the next run calls it ambiguous (a case), never a conflict
  await activateBilling(s, job('billing.activate-subscription.v1', 'ServiceTask_ActivateBilling'), { orderId: order.orderId });
  const billingKey = idempotencyKeys.billingActivation(order.tenantId, order.orderId, order.subscription.subscriptionId, order.subscription.chargeSnapshotVersion);
  await db.query(sql.unsafe`
    update external_call_attempt set status = 'STARTED', request_hash = '', request_snapshot = 'null'::jsonb, lease_expires_at = now() - interval '1 second'
    where tenant_id = ${order.tenantId} and idempotency_key = ${billingKey}`);
  let billed = false;
  const after = await activateBilling({ ...s, portsFor: () => ({ ...ports, billing: { ...ports.billing, activate: async (...a: Parameters<SystemPorts['billing']['activate']>) => ((billed = true), ports.billing.activate(...a)) } }) }, job('billing.activate-subscription.v1', 'ServiceTask_ActivateBilling'), { orderId: order.orderId });
  expect(billed).toBe(false);
  expect(after.kind).not.toBe('complete');
  const open = await db.oneFirst(sql.type(z.object({ n: z.number() }))`
    select count(*)::int as n from reconciliation_case where order_id = ${order.orderId} and mismatch_type = 'AMBIGUOUS_OUTCOME' and status = 'OPEN'`);
  expect(open).toBe(1);
});
