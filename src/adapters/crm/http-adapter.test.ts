import { CannedHttpServer } from '../../integration/http/testing/canned-http-server.ts';
import { testClient } from '../../integration/http/testing/test-client.ts';
import { genericFailureCases } from '../testing/generic-failure-cases.ts';
import { CrmHttpAdapter } from './http-adapter.ts';

let server: CannedHttpServer;
beforeAll(async () => {
  server = await CannedHttpServer.start();
});
afterAll(() => server.stop());

const adapter = () => new CrmHttpAdapter(testClient('CRM', server.url('/crm')));
const validate = (customerAccountId = 'CUST-1') => adapter().validateCustomerAccount({ tenantId: 't1', customerAccountId, marketSegment: 'SMB', correlationId: 'corr-1' });
const account = (acctStatus: string) => ({ custNo: 'CUST-1', acctStatus, billAcctRef: 'BA-9', segment: 'SMB', eligFlags: ['FIBER_OK'], updatedTs: '2026-01-01T00:00:00Z' });

test('A → succeeded ACTIVE with the billing account; the request is a GET on the account', async () => {
  server.respond({ status: 200, body: account('A') });
  const r = await validate();
  expect(r).toMatchObject({ kind: 'succeeded', value: { accountStatus: 'ACTIVE', billingAccountId: 'BA-9', eligibilityFlags: ['FIBER_OK'] } });
  expect(r.exchange.httpStatus).toBe(200);
  expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/crm/v2/accounts/CUST-1' });
});

test.each([
  ['S', 'ACCOUNT_SUSPENDED'],
  ['C', 'ACCOUNT_CLOSED'],
])('%s → rejected BUSINESS_REJECTED %s', async (status, reasonCode) => {
  server.respond({ status: 200, body: account(status) });
  expect(await validate()).toMatchObject({ kind: 'rejected', category: 'BUSINESS_REJECTED', reasonCode });
});

test('404 CUST_NOT_FOUND → rejected ACCOUNT_NOT_FOUND', async () => {
  server.respond({ status: 404, body: { errCd: 'CUST_NOT_FOUND', errMsg: 'unknown customer' } });
  expect(await validate('CUST-UNKNOWN-1')).toMatchObject({ kind: 'rejected', category: 'BUSINESS_REJECTED', reasonCode: 'ACCOUNT_NOT_FOUND' });
});

test('a 404 without the CRM code is not taken as a missing account', async () => {
  server.respond({ status: 404, rawBody: 'Not Found' });
  expect(await validate()).toMatchObject({ kind: 'rejected', category: 'VALIDATION_REJECTED', reasonCode: 'HTTP_404' });
});

test('an unknown acctStatus → SCHEMA_MISMATCH', async () => {
  server.respond({ status: 200, body: account('Z') });
  expect(await validate()).toMatchObject({ kind: 'failed', category: 'SCHEMA_MISMATCH', message: expect.stringContaining('acctStatus') });
});

genericFailureCases({ name: 'CRM validate', server: () => server, call: () => validate(), sideEffect: false, successStatus: 200 });
