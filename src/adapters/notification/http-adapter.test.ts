import { CannedHttpServer } from '../../integration/http/testing/canned-http-server.ts';
import { testClient } from '../../integration/http/testing/test-client.ts';
import { genericFailureCases } from '../testing/generic-failure-cases.ts';
import { NotificationHttpAdapter } from './http-adapter.ts';
import type { NotificationCommand } from '../../core/ports/notification.ts';

let server: CannedHttpServer;
beforeAll(async () => {
  server = await CannedHttpServer.start();
});
afterAll(() => server.stop());

const adapter = () => new NotificationHttpAdapter(testClient('NOTIFICATION', server.url('/notify')));
const command: NotificationCommand = {
  templateCode: 'ORDER_CONFIRMATION',
  recipientId: 'customer_primary',
  email: 'buyer@example.com',
  data: { orderNumber: 'SO-2026-000001' },
  idempotencyKey: 'notification:ORDER_CONFIRMATION:ord_123:customer_primary:captured_v1',
  correlationId: 'corr-1',
};

describe('send', () => {
  test('202 → succeeded with the message id; no Idempotency-Key header (the provider has none)', async () => {
    server.respond({ status: 202, body: { messageId: 'M-1', status: 'QUEUED' } });
    expect(await adapter().send(command)).toMatchObject({ kind: 'succeeded', value: { messageId: 'M-1' }, externalReferenceId: 'M-1' });
    const req = server.requests.at(-1);
    expect(req).toMatchObject({ method: 'POST', path: '/notify/v1/messages', body: { template: 'ORDER_CONFIRMATION', to: 'buyer@example.com', channel: 'EMAIL', ref: command.idempotencyKey } });
    expect(req?.headers['idempotency-key']).toBeUndefined();
  });

  test('400 INVALID_RECIPIENT → rejected VALIDATION_REJECTED', async () => {
    server.respond({ status: 400, body: { error: 'INVALID_RECIPIENT', detail: 'bad address' } });
    expect(await adapter().send(command)).toMatchObject({ kind: 'rejected', category: 'VALIDATION_REJECTED', reasonCode: 'RECIPIENT_REJECTED' });
  });

  genericFailureCases({ name: 'notification send', server: () => server, call: () => adapter().send(command), sideEffect: true, successStatus: 202 });
});

describe('findSent', () => {
  test('the messages for recipient and template', async () => {
    server.respond({ status: 200, body: { items: [{ messageId: 'M-1', to: 'buyer@example.com', template: 'ORDER_CONFIRMATION', ref: command.idempotencyKey, sentAt: '2026-07-02T10:00:00Z' }] } });
    expect(await adapter().findSent('buyer@example.com', 'ORDER_CONFIRMATION')).toMatchObject({ kind: 'succeeded', value: [{ messageId: 'M-1', reference: command.idempotencyKey }] });
    const req = server.requests.at(-1);
    expect(req?.query.get('to')).toBe('buyer@example.com');
    expect(req?.query.get('template')).toBe('ORDER_CONFIRMATION');
  });

  genericFailureCases({ name: 'notification findSent', server: () => server, call: () => adapter().findSent('buyer@example.com', 'ORDER_CONFIRMATION'), sideEffect: false, successStatus: 200 });
});
