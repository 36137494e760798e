import { readProvisioningResultEvent, SAMPLE_SERVICE_ORDER_STATUS_CHANGED, serviceOrderStatusChangedMessage } from './result-event.ts';

const done = { ...SAMPLE_SERVICE_ORDER_STATUS_CHANGED };
const read = (message: unknown) => readProvisioningResultEvent(JSON.stringify(message));
const without = (field: keyof typeof done) => Object.fromEntries(Object.entries(done).filter(([k]) => k !== field));

describe('a ServiceOrderStatusChanged message', () => {
  it('DONE becomes a SUCCEEDED result with the service instance, under the event id', () => {
    expect(read(done)).toEqual({
      kind: 'result',
      eventId: done.eventId,
      occurredAt: done.occurredAt,
      result: { providerRequestId: 'PTX-4F2A9C1B7E3D', status: 'SUCCEEDED', serviceInstanceId: 'SVC-8A7B6C5D4E3F', failureReason: undefined, orderId: 'ORD-1001', orderItemId: 'ITEM-1' },
      snapshot: done,
    });
  });

  it.each(['ERR', 'ERR2'])('%s becomes FAILED with the provider reason', (status) => {
    const failed = { ...without('svcInstanceId'), status, errCd: 'NE-DOWN', errMsg: 'network element unreachable' };
    expect(read(failed)).toMatchObject({ kind: 'result', result: { status: 'FAILED', serviceInstanceId: undefined, failureReason: expect.stringContaining('NE-DOWN') } });
  });

  it('a status we do not know is a result that needs investigation, not a broken message', () => {
    expect(read({ ...done, status: 'PARTIAL' })).toMatchObject({ kind: 'result', result: { status: 'UNKNOWN_REQUIRES_INVESTIGATION' } });
  });

  it('ignores fields it does not know, and redacts secrets in the snapshot it keeps', () => {
    const extended = { ...done, region: 'north', nested: { password: 'hunter2' } };
    const parsed = read(extended);
    expect(parsed).toMatchObject({ kind: 'result', result: { status: 'SUCCEEDED', providerRequestId: done.provTxnRef } });
    if (parsed.kind === 'result') expect(parsed.snapshot).toEqual({ ...done, region: 'north', nested: { password: '<redacted>' } });
  });

  it('the sample is valid', () => {
    expect(serviceOrderStatusChangedMessage.safeParse(SAMPLE_SERVICE_ORDER_STATUS_CHANGED).success).toBe(true);
  });
});

describe('other event types', () => {
  it('are reported as unsupported, with their id, not as violations', () => {
    expect(read({ eventId: done.eventId, eventType: 'ServiceOrderCreated', provTxnRef: 'PTX-1' })).toEqual({ kind: 'unsupported-type', eventId: done.eventId, eventType: 'ServiceOrderCreated' });
    expect(read({ eventType: 'Heartbeat' })).toEqual({ kind: 'unsupported-type', eventId: undefined, eventType: 'Heartbeat' });
  });
});

describe('contract violations', () => {
  it.each([
    ['not JSON', '{"eventId": ', 'not JSON'],
    ['a JSON array', '[1, 2]', 'not a JSON object'],
    ['a JSON string', '"DONE"', 'not a JSON object'],
    ['JSON null', 'null', 'not a JSON object'],
  ])('%s', (_what, value, problem) => {
    expect(readProvisioningResultEvent(value)).toEqual({ kind: 'contract-violation', problem: expect.stringContaining(problem) });
  });

  it.each([
    ['no eventType', without('eventType'), 'eventType'],
    ['a numeric eventType', { ...done, eventType: 7 }, 'eventType'],
    ['no provTxnRef', without('provTxnRef'), 'provTxnRef'],
    ['no status', without('status'), 'status'],
    ['a numeric status', { ...done, status: 3 }, 'status'],
    ['an eventId that is not a uuid', { ...done, eventId: 'evt-1' }, 'eventId'],
    ['an occurredAt without offset', { ...done, occurredAt: '2026-07-02T10:15:30' }, 'occurredAt'],
    ['a numeric svcInstanceId', { ...done, svcInstanceId: 42 }, 'svcInstanceId'],
  ])('%s, naming the field', (_what, message, field) => {
    const parsed = read(message);
    expect(parsed).toMatchObject({ kind: 'contract-violation', problem: expect.stringContaining(field) });
  });

  it('keep the event id when the message has one, so the inbox can record it', () => {
    expect(read(without('provTxnRef'))).toMatchObject({ kind: 'contract-violation', eventId: done.eventId });
    expect(read({ ...without('provTxnRef'), eventId: 42 })).toMatchObject({ kind: 'contract-violation', eventId: undefined });
  });
});
