import { EngineError } from '../../src/api.ts';
import type { ActivatedJob } from '../../src/api.ts';
import { harness, job } from './fixtures.ts';

function activated(overrides: Partial<ActivatedJob> = {}): ActivatedJob {
  return {
    key: '2251799813685600',
    type: 'inventory.reserve.v1',
    processInstanceKey: '2251799813685300',
    bpmnProcessId: 'order-fulfillment',
    processDefinitionVersion: 1,
    processDefinitionKey: '2251799813685249',
    elementId: 'ServiceTask_ReserveInventory',
    elementInstanceKey: '2251799813685400',
    customHeaders: '{"lane":"ops"}',
    worker: 'farm-1',
    retries: 3,
    deadline: 1_767_225_660_000,
    variables: '{"orderId":"A-1"}',
    tenantId: '<default>',
    ...overrides,
  };
}

const activation = { type: 'inventory.reserve.v1', worker: 'farm-1', timeout: 60_000, maxJobsToActivate: 5 };

describe('POST /v2/jobs/activation', () => {
  it('activates and answers jobs with parsed variables and headers', async () => {
    const h = await harness();
    h.engine.activatable.push([activated()]);
    const response = await h.app.inject({ method: 'POST', url: '/v2/jobs/activation', payload: { ...activation, fetchVariable: ['orderId'] } });
    expect(response.statusCode).toBe(200);
    expect(response.json().jobs).toEqual([
      {
        jobKey: '2251799813685600',
        type: 'inventory.reserve.v1',
        processInstanceKey: '2251799813685300',
        rootProcessInstanceKey: null,
        processDefinitionId: 'order-fulfillment',
        processDefinitionVersion: 1,
        processDefinitionKey: '2251799813685249',
        elementId: 'ServiceTask_ReserveInventory',
        elementInstanceKey: '2251799813685400',
        customHeaders: { lane: 'ops' },
        worker: 'farm-1',
        retries: 3,
        deadline: 1_767_225_660_000,
        variables: { orderId: 'A-1' },
        tenantId: '<default>',
        kind: 'BPMN_ELEMENT',
        listenerEventType: 'UNSPECIFIED',
        userTask: null,
        tags: [],
      },
    ]);
    expect(h.engine.calls[0]).toEqual({
      method: 'activateJobs',
      args: [{ type: 'inventory.reserve.v1', worker: 'farm-1', timeout: 60_000, maxJobsToActivate: 5, fetchVariable: ['orderId'], tenantIds: undefined }],
    });
  });

  it('answers at once with no jobs when requestTimeout is negative', async () => {
    const h = await harness();
    const response = await h.app.inject({ method: 'POST', url: '/v2/jobs/activation', payload: { ...activation, requestTimeout: -1 } });
    expect(response.json()).toEqual({ jobs: [] });
    expect(h.engine.calls).toHaveLength(1);
  });

  it('long-polls until jobs of the type are announced', async () => {
    const h = await harness();
    h.engine.activatable.push([], []);
    const pending = h.app.inject({ method: 'POST', url: '/v2/jobs/activation', payload: { ...activation, requestTimeout: 5000 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    h.engine.announce([{ key: '1', type: 'other.type', tenantId: '<default>' }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(h.engine.calls.filter((call) => call.method === 'activateJobs')).toHaveLength(1);
    h.engine.activatable.splice(0, h.engine.activatable.length, [activated()]);
    h.engine.announce([{ key: '2251799813685600', type: 'inventory.reserve.v1', tenantId: '<default>' }]);
    const response = await pending;
    expect(response.json().jobs.map((found: { jobKey: string }) => found.jobKey)).toEqual(['2251799813685600']);
  });

  it('answers no jobs once requestTimeout passes', async () => {
    const h = await harness();
    const started = Date.now();
    const response = await h.app.inject({ method: 'POST', url: '/v2/jobs/activation', payload: { ...activation, requestTimeout: 200 } });
    expect(response.json()).toEqual({ jobs: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('refuses a request without type or with a zero timeout', async () => {
    const h = await harness();
    const response = await h.app.inject({ method: 'POST', url: '/v2/jobs/activation', payload: { timeout: 0, maxJobsToActivate: 1 } });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain('type');
    expect(response.json().detail).toContain('timeout');
  });
});

describe('job commands', () => {
  it('completes, fails, throws errors and updates retries and timeout with 204', async () => {
    const h = await harness();
    const url = '/v2/jobs/2251799813685600';
    expect((await h.app.inject({ method: 'POST', url: `${url}/completion`, payload: { variables: { reserved: true } } })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'POST', url: `${url}/completion` })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'POST', url: `${url}/failure`, payload: { retries: 2, errorMessage: 'down', retryBackOff: 1000, variables: { attempt: 1 } } })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'POST', url: `${url}/failure`, payload: {} })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'POST', url: `${url}/error`, payload: { errorCode: 'OUT_OF_STOCK', errorMessage: 'none left' } })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'PATCH', url, payload: { changeset: { retries: 3, timeout: 30_000 } } })).statusCode).toBe(204);
    expect(h.engine.calls.map((call) => [call.method, ...call.args])).toEqual([
      ['completeJob', '2251799813685600', { reserved: true }],
      ['completeJob', '2251799813685600', {}],
      ['failJob', { jobKey: '2251799813685600', retries: 2, errorMessage: 'down', retryBackOff: 1000, variables: { attempt: 1 } }],
      ['failJob', { jobKey: '2251799813685600', retries: 0, errorMessage: '', retryBackOff: 0, variables: undefined }],
      ['throwError', { jobKey: '2251799813685600', errorCode: 'OUT_OF_STOCK', errorMessage: 'none left', variables: undefined }],
      ['updateJobRetries', '2251799813685600', 3],
      ['updateJobTimeout', '2251799813685600', 30_000],
    ]);
  });

  it('answers a gone job with 404 and a job in the wrong state with 409', async () => {
    const h = await harness();
    h.engine.failNext('completeJob', new EngineError('NOT_FOUND', 'job 1 timed out'));
    expect((await h.app.inject({ method: 'POST', url: '/v2/jobs/1/completion', payload: {} })).statusCode).toBe(404);
    h.engine.failNext('failJob', new EngineError('FAILED_PRECONDITION', 'job 1 is failed'));
    expect((await h.app.inject({ method: 'POST', url: '/v2/jobs/1/failure', payload: {} })).statusCode).toBe(409);
  });

  it('refuses an error without code, an empty changeset and a malformed key', async () => {
    const h = await harness();
    expect((await h.app.inject({ method: 'POST', url: '/v2/jobs/1/error', payload: {} })).json().detail).toContain('errorCode');
    const empty = await h.app.inject({ method: 'PATCH', url: '/v2/jobs/1', payload: { changeset: {} } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().detail).toContain('changeset');
    expect((await h.app.inject({ method: 'POST', url: '/v2/jobs/x1/completion', payload: {} })).statusCode).toBe(400);
    expect(h.engine.calls).toEqual([]);
  });
});

describe('POST /v2/jobs/search', () => {
  it('searches by type, state and retries left', async () => {
    const h = await harness();
    h.engine.records.jobs.push(
      job({ jobKey: '71' }),
      job({ jobKey: '72', state: 'FAILED', retries: 2, errorMessage: 'down' }),
      job({ jobKey: '73', type: 'billing.activate-subscription.v1', state: 'COMPLETED', deadline: undefined }),
    );
    const keys = async (filter: unknown) =>
      (await h.app.inject({ method: 'POST', url: '/v2/jobs/search', payload: { filter } })).json().items.map((item: { jobKey: string }) => item.jobKey);
    expect(await keys({ type: 'inventory.reserve.v1' })).toEqual(['71', '72']);
    expect(await keys({ state: 'CREATED' })).toEqual(['71']);
    expect(await keys({ hasFailedWithRetriesLeft: true })).toEqual(['72']);
    expect(await keys({ type: { $like: 'billing.*' } })).toEqual(['73']);
  });
});
