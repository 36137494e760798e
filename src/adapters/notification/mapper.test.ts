import { messageAcceptedDto } from './dto.ts';
import { toExternalMessage, toInternalRejectedMessage, toInternalSent, toInternalSentMessages } from './mapper.ts';
import type { NotificationCommand } from '../../core/ports/notification.ts';

const command: NotificationCommand = {
  templateCode: 'ORDER_CONFIRMATION',
  recipientId: 'customer_primary',
  email: 'buyer@example.com',
  data: { orderNumber: 'SO-2026-000001', customerDisplayName: 'PT Example' },
  idempotencyKey: 'notification:ORDER_CONFIRMATION:ord_123:customer_primary:captured_v1',
  correlationId: 'corr-1',
};

test('the command becomes an e-mail message; our key travels as its reference', () => {
  expect(toExternalMessage(command)).toEqual({ template: 'ORDER_CONFIRMATION', to: 'buyer@example.com', channel: 'EMAIL', ref: command.idempotencyKey, data: { orderNumber: 'SO-2026-000001', customerDisplayName: 'PT Example' } });
});

test('acceptance and the message list map to ours', () => {
  expect(toInternalSent({ messageId: 'M-1', status: 'QUEUED' })).toEqual({ messageId: 'M-1' });
  expect(toInternalSentMessages({ items: [{ messageId: 'M-1', to: 'buyer@example.com', template: 'ORDER_CONFIRMATION', ref: 'k', sentAt: '2026-07-02T10:00:00Z' }] })).toEqual([
    { messageId: 'M-1', sentAt: '2026-07-02T10:00:00Z', reference: 'k' },
  ]);
});

test('a refused recipient has an internal reason code; other refusals a generic one', () => {
  expect(toInternalRejectedMessage(command, { error: 'INVALID_RECIPIENT', detail: 'bad address' })).toEqual({ reasonCode: 'RECIPIENT_REJECTED', reasonMessage: expect.stringContaining('INVALID_RECIPIENT') });
  expect(toInternalRejectedMessage(command, undefined).reasonCode).toBe('INVALID_NOTIFICATION_REQUEST');
});

test('extra fields and an unknown status are tolerated', () => {
  expect(messageAcceptedDto.parse({ messageId: 'M-1', status: 'THROTTLED', provider: 'x' })).toEqual({ messageId: 'M-1', status: 'THROTTLED' });
});
