import { CannedHttpServer } from '../../integration/http/testing/canned-http-server.ts';
import { testClient } from '../../integration/http/testing/test-client.ts';
import { genericFailureCases } from '../testing/generic-failure-cases.ts';
import { BillingHttpAdapter } from './http-adapter.ts';
import type { BillingActivationCommand } from '../../core/ports/billing.ts';

let server: CannedHttpServer;
beforeAll(async () => {
  server = await CannedHttpServer.start();
});
afterAll(() => server.stop());

const adapter = () => new BillingHttpAdapter(testClient('BILLING', server.url('/billing')));
const command: BillingActivationCommand = {
  tenantId: 't1',
  orderId: 'ord-1',
  subscriptionId: 'sub_123',
  billingAccountId: 'ba_456',
  activationDate: '2026-07-02',
  chargeSnapshotVersion: 3,
  charges: [{ chargeId: 'chg_001', chargeType: 'RECURRING', amount: '750000.00', currency: 'IDR', billingFrequency: 'MONTHLY' }],
  idempotencyKey: 'billing-activation:t1:ord-1:sub_123:v3',
  correlationId: 'corr-1',
};
const activation = { activationId: 'ACT-1', billingSubscriptionRef: 'BSR-1', state: 'ACTIVE', activatedAt: '2026-07-02T10:00:00Z' };

describe('activate', () => {
  test('201 → succeeded with the billing reference; activation id as reference; Idempotency-Key sent', async () => {
    server.respond({ status: 201, body: activation });
    expect(await adapter().activate(command)).toMatchObject({ kind: 'succeeded', externalReferenceId: 'ACT-1', value: { externalBillingId: 'BSR-1', activatedAt: '2026-07-02T10:00:00Z' } });
    const req = server.requests.at(-1);
    expect(req).toMatchObject({ method: 'POST', path: '/billing/v3/subscriptions/sub_123/activation', body: { chargeSnapshotVersion: 3, charges: [{ chargeCode: 'chg_001', frequency: 'MONTHLY', type: 'RECURRING' }] } });
    expect(req?.headers['idempotency-key']).toBe(command.idempotencyKey);
  });

  test('200 replay → succeeded', async () => {
    server.respond({ status: 200, body: activation });
    expect(await adapter().activate(command)).toMatchObject({ kind: 'succeeded', externalReferenceId: 'ACT-1' });
  });

  test('a 201 whose state is not ACTIVE breaks the contract → SCHEMA_MISMATCH', async () => {
    server.respond({ status: 201, body: { ...activation, state: 'PENDING' } });
    expect(await adapter().activate(command)).toMatchObject({ kind: 'failed', category: 'SCHEMA_MISMATCH' });
  });

  test('422 BIL-ERR-7781 → BUSINESS_REJECTED with an internal reason code', async () => {
    server.respond({ status: 422, body: { code: 'BIL-ERR-7781', message: 'account not eligible' } });
    const r = await adapter().activate(command);
    expect(r).toMatchObject({ kind: 'rejected', category: 'BUSINESS_REJECTED', reasonCode: 'BILLING_ACCOUNT_NOT_ELIGIBLE', reasonMessage: expect.stringContaining('BIL-ERR-7781') });
    expect(r.exchange.response).toEqual({ code: 'BIL-ERR-7781', message: 'account not eligible' });
  });

  test('400 → VALIDATION_REJECTED', async () => {
    server.respond({ status: 400, body: { code: 'BIL-ERR-1000', message: 'charges' } });
    expect(await adapter().activate(command)).toMatchObject({ kind: 'rejected', category: 'VALIDATION_REJECTED', reasonCode: 'INVALID_BILLING_REQUEST' });
  });

  test.each([
    [{ code: 'IDEMPOTENCY_MISMATCH', message: 'other body' }],
    [{ code: 'ALREADY_ACTIVE', message: 'active', activeSnapshotVersion: 2 }],
  ])('409 %j → duplicate that is not ours', async (body) => {
    server.respond({ status: 409, body });
    const r = await adapter().activate(command);
    expect(r).toMatchObject({ kind: 'duplicate', matchesOurRequest: false, detail: expect.stringContaining('sub_123') });
    // no value: the ledger must not turn a conflict into a success
    expect(r.kind === 'duplicate' && r.value).toBeFalsy();
  });

  genericFailureCases({ name: 'billing activate', server: () => server, call: () => adapter().activate(command), sideEffect: true, successStatus: 201 });
});

describe('findActivation', () => {
  test('the ACTIVE activation under our key', async () => {
    server.respond({ status: 200, body: { items: [{ ...activation, subscriptionId: 'sub_123' }] } });
    expect(await adapter().findActivation(command.idempotencyKey)).toMatchObject({ kind: 'succeeded', value: { externalBillingId: 'BSR-1' }, externalReferenceId: 'ACT-1' });
    const req = server.requests.at(-1);
    expect(req?.path).toBe('/billing/v3/activations');
    expect(req?.query.get('idempotencyKey')).toBe(command.idempotencyKey);
  });

  test('none → succeeded with undefined', async () => {
    server.respond({ status: 200, body: { items: [] } });
    expect(await adapter().findActivation('k')).toMatchObject({ kind: 'succeeded', value: undefined });
  });

  genericFailureCases({ name: 'billing findActivation', server: () => server, call: () => adapter().findActivation('k'), sideEffect: false, successStatus: 200 });
});
