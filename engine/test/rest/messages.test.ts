import { EngineError } from '../../src/api.ts';
import { harness } from './fixtures.ts';

describe('messages and signals', () => {
  it('publishes with defaults (empty correlation key, TTL 0) and answers the message key', async () => {
    const h = await harness();
    const response = await h.app.inject({ method: 'POST', url: '/v2/messages/publication', payload: { name: 'OrderCancellationRequested' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ messageKey: expect.any(String), tenantId: '<default>' });
    expect(h.engine.calls[0]?.args[0]).toEqual({
      name: 'OrderCancellationRequested',
      correlationKey: '',
      timeToLive: 0,
      messageId: undefined,
      variables: undefined,
      tenantId: undefined,
    });
  });

  it('passes TTL, messageId and variables; a duplicate messageId is 409', async () => {
    const h = await harness();
    const payload = { name: 'ProvisioningCompleted', correlationKey: 'ft-1', timeToLive: 60_000, messageId: 'm-1', variables: { ok: true } };
    await h.app.inject({ method: 'POST', url: '/v2/messages/publication', payload });
    expect(h.engine.calls[0]?.args[0]).toMatchObject(payload);
    h.engine.failNext('publishMessage', new EngineError('ALREADY_EXISTS', 'message m-1 already published'));
    const duplicate = await h.app.inject({ method: 'POST', url: '/v2/messages/publication', payload });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().title).toBe('ALREADY_EXISTS');
  });

  it('refuses a publication without a name and a negative TTL', async () => {
    const h = await harness();
    const response = await h.app.inject({ method: 'POST', url: '/v2/messages/publication', payload: { correlationKey: 'x', timeToLive: -1 } });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain('name');
    expect(response.json().detail).toContain('timeToLive');
  });

  it('correlates and answers the instance; nothing waiting is 404', async () => {
    const h = await harness();
    const response = await h.app.inject({ method: 'POST', url: '/v2/messages/correlation', payload: { name: 'ProvisioningCompleted', correlationKey: 'ft-1' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ messageKey: expect.any(String), processInstanceKey: '2251799813685300', tenantId: '<default>' });
    h.engine.failNext('correlateMessage', new EngineError('NOT_FOUND', 'no subscription'));
    expect((await h.app.inject({ method: 'POST', url: '/v2/messages/correlation', payload: { name: 'x' } })).statusCode).toBe(404);
  });

  it('broadcasts a signal', async () => {
    const h = await harness();
    const response = await h.app.inject({ method: 'POST', url: '/v2/signals/broadcast', payload: { signalName: 'Shutdown', variables: { a: 1 } } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ signalKey: expect.any(String), tenantId: '<default>' });
    expect(h.engine.calls[0]).toEqual({ method: 'broadcastSignal', args: ['Shutdown', { a: 1 }, undefined] });
    expect((await h.app.inject({ method: 'POST', url: '/v2/signals/broadcast', payload: {} })).statusCode).toBe(400);
  });
});
