import { startSimulators, type RunningSimulators } from '../server.ts';
import { TEST_CREDENTIALS, authHeaders, call } from '../testing/sim-client.ts';

let sim: RunningSimulators;
const auth = authHeaders().crm;

beforeAll(async () => {
  sim = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS });
});
afterAll(() => sim.close());
beforeEach(() => sim.state.reset());

const account = (custNo: string, headers: Record<string, string> = auth) => call(sim.url, 'GET', `/crm/v2/accounts/${encodeURIComponent(custNo)}`, { headers });

describe('CRM GET /crm/v2/accounts/{custNo}', () => {
  it('answers an active account in the CRM vocabulary', async () => {
    const res = await account('CUST-1001');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ custNo: 'CUST-1001', acctStatus: 'A', billAcctRef: 'BA-1001', segment: 'RES', eligFlags: ['FIBER', 'MOBILE', 'TV'], updatedTs: expect.any(String) });
  });

  it.each([
    ['CUST-SUSPENDED-7', 'S'],
    ['CUST-CLOSED-3', 'C'],
  ])('demo account %s has status %s and no eligibility', async (custNo, status) => {
    const res = await account(custNo);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ custNo, acctStatus: status, eligFlags: [] });
  });

  it('does not know CUST-UNKNOWN… customers: 404 CUST_NOT_FOUND', async () => {
    const res = await account('CUST-UNKNOWN-1');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errCd: 'CUST_NOT_FOUND', errMsg: expect.stringContaining('CUST-UNKNOWN-1') });
  });

  it('gives billing-rejected customers a BA-REJECT billing account', async () => {
    expect((await account('CUST-REJECT-9')).body).toMatchObject({ billAcctRef: 'BA-REJECT-9' });
  });

  it.each([
    ['no key', {}],
    ['a wrong key', { 'x-api-key': 'nope' }],
    ['the configured default key when another one is injected', { 'x-api-key': 'dev-crm-key' }],
  ])('refuses %s with 401 in its own error shape', async (_what, headers: Record<string, string>) => {
    const res = await account('CUST-1001', headers);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errCd: 'UNAUTHORIZED', errMsg: expect.any(String) });
  });

  it('answers unknown routes with 404 in its own error shape and records no side effects for reads', async () => {
    const res = await call(sim.url, 'GET', '/crm/v2/customers/CUST-1', { headers: auth });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errCd: 'NOT_FOUND' });
    await account('CUST-1');
    expect(sim.state.sideEffects.count()).toBe(0);
  });
});
