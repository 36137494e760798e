import { EngineError } from '../../src/api.ts';
import { createRestServer } from '../../src/rest/server.ts';
import { createFakeEngine } from './fake-engine.ts';
import { harness } from './fixtures.ts';

describe('REST server', () => {
  it('answers the topology in the 8.9 shape', async () => {
    const { app } = await harness();
    const response = await app.inject({ method: 'GET', url: '/v2/topology' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.9.0' });
    expect(body.brokers[0].partitions).toEqual([{ partitionId: 1, role: 'leader', health: 'healthy' }]);
  });

  it('answers 204 on status', async () => {
    const { app } = await harness();
    expect((await app.inject({ method: 'GET', url: '/v2/status' })).statusCode).toBe(204);
  });

  it('pins and resets the clock', async () => {
    const { app, engine } = await harness();
    const pinned = await app.inject({ method: 'PUT', url: '/v2/clock', payload: { timestamp: 1_767_225_600_000 } });
    expect(pinned.statusCode).toBe(204);
    const reset = await app.inject({ method: 'POST', url: '/v2/clock/reset' });
    expect(reset.statusCode).toBe(204);
    expect(engine.calls.map((call) => [call.method, ...call.args])).toEqual([['pinClock', 1_767_225_600_000], ['resetClock']]);
  });

  it('refuses a clock pin without a timestamp with a problem naming the field', async () => {
    const { app } = await harness();
    const response = await app.inject({ method: 'PUT', url: '/v2/clock', payload: { timestamp: 'soon' } });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ type: 'about:blank', title: 'INVALID_ARGUMENT', status: 400, instance: '/v2/clock' });
    expect(response.json().detail).toContain('timestamp');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const { app } = await harness();
    const response = await app.inject({ method: 'GET', url: '/v2/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ title: 'NOT_FOUND', status: 404, instance: '/v2/nothing-here' });
  });

  it('answers malformed JSON with a 400 problem, never a crash', async () => {
    const { app } = await harness();
    const response = await app.inject({ method: 'POST', url: '/v2/messages/publication', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('reads an empty JSON body as no body', async () => {
    const { app, engine } = await harness();
    const response = await app.inject({ method: 'POST', url: '/v2/process-instances/1/cancellation', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(response.statusCode).toBe(204);
    expect(engine.calls).toEqual([{ method: 'cancelProcessInstance', args: ['1'] }]);
  });

  it('refuses prototype poisoning in a JSON body', async () => {
    const { app } = await harness();
    const response = await app.inject({
      method: 'POST',
      url: '/v2/messages/publication',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"x","variables":{"__proto__":{"polluted":true}}}',
    });
    expect(response.statusCode).toBe(400);
  });

  it('answers an unsupported content type with 415', async () => {
    const { app } = await harness();
    const response = await app.inject({ method: 'POST', url: '/v2/messages/publication', headers: { 'content-type': 'application/xml' }, payload: '<name/>' });
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses a body beyond the limit with 413', async () => {
    const { app } = await harness({ bodyLimit: 1024 });
    const response = await app.inject({ method: 'POST', url: '/v2/messages/publication', payload: { name: 'x', variables: { blob: 'x'.repeat(4096) } } });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ status: 413, title: 'PAYLOAD_TOO_LARGE' });
  });

  it('maps backpressure to 503 with Retry-After', async () => {
    const { app, engine } = await harness();
    engine.failNext('publishMessage', new EngineError('RESOURCE_EXHAUSTED', 'queue full'));
    const response = await app.inject({ method: 'POST', url: '/v2/messages/publication', payload: { name: 'x' } });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ title: 'RESOURCE_EXHAUSTED', detail: 'queue full' });
  });

  it('hides unexpected errors behind a 500 problem', async () => {
    const { app, engine } = await harness();
    engine.publishMessage = async () => {
      throw new Error('secret internals');
    };
    const response = await app.inject({ method: 'POST', url: '/v2/messages/publication', payload: { name: 'x' } });
    expect(response.statusCode).toBe(500);
    expect(response.json().detail).not.toContain('secret');
  });

  describe('with authentication', () => {
    const authenticate = async (authorization: string | undefined) => {
      if (authorization !== 'Bearer good') throw new EngineError('UNAUTHENTICATED', 'Expected a valid bearer token');
    };

    it('refuses a /v2 call without a valid bearer token with 401', async () => {
      const app = await createRestServer({ engine: createFakeEngine(), authenticate });
      const response = await app.inject({ method: 'GET', url: '/v2/topology' });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json()).toMatchObject({ title: 'UNAUTHENTICATED', status: 401 });
    });

    it('answers with a valid token', async () => {
      const app = await createRestServer({ engine: createFakeEngine(), authenticate });
      const response = await app.inject({ method: 'GET', url: '/v2/topology', headers: { authorization: 'Bearer good' } });
      expect(response.statusCode).toBe(200);
    });

    it('leaves GET /v2/status open as a health probe', async () => {
      const app = await createRestServer({ engine: createFakeEngine(), authenticate });
      expect((await app.inject({ method: 'GET', url: '/v2/status' })).statusCode).toBe(204);
    });

    it('turns any authenticator failure into 401', async () => {
      const app = await createRestServer({
        engine: createFakeEngine(),
        authenticate: async () => {
          throw new Error('jwks down');
        },
      });
      expect((await app.inject({ method: 'GET', url: '/v2/incidents/1' })).statusCode).toBe(401);
    });

    it('keeps the extra routes outside the guard', async () => {
      const app = await createRestServer({
        engine: createFakeEngine(),
        authenticate,
        extraRoutes: (root) => root.post('/oauth/token', async () => ({ access_token: 'good' })),
      });
      const response = await app.inject({ method: 'POST', url: '/oauth/token' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ access_token: 'good' });
    });
  });
});
