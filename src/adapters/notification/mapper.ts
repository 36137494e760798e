// Explicit translation between the notification provider's vocabulary and ours (seed 000 §16, §20).
import { externalDetail } from '../http-response.ts';
import { NOTIFICATION_ERRORS, type MessageAcceptedDto, type MessageRequestDto, type NotificationErrorDto, type SentMessageListDto } from './dto.ts';
import type { NotificationCommand, NotificationSent } from '../../core/ports/notification.ts';

export type SentMessage = { readonly messageId: string; readonly sentAt: string; readonly reference?: string | undefined };

/**
 * Only the curated template data goes out (seed 000 §16.2). Our idempotency key travels as the
 * message reference: the provider cannot deduplicate, but reconciliation can find the message by it.
 */
export function toExternalMessage(cmd: NotificationCommand): MessageRequestDto {
  return { template: cmd.templateCode, to: cmd.email, channel: 'EMAIL', ref: cmd.idempotencyKey, data: { ...cmd.data } };
}

export function toExternalMessageQuery(email: string, templateCode: string): Record<string, string> {
  return { to: email, template: templateCode };
}

export function toInternalSent(dto: MessageAcceptedDto): NotificationSent {
  return { messageId: dto.messageId };
}

export function toInternalSentMessages(dto: SentMessageListDto): readonly SentMessage[] {
  return dto.items.map((m) => ({ messageId: m.messageId, sentAt: m.sentAt, reference: m.ref }));
}

export function toInternalRejectedMessage(cmd: NotificationCommand, dto: NotificationErrorDto | undefined) {
  const recipient = dto?.error === NOTIFICATION_ERRORS.invalidRecipient;
  return {
    reasonCode: recipient ? 'RECIPIENT_REJECTED' : 'INVALID_NOTIFICATION_REQUEST',
    reasonMessage: `notification ${cmd.templateCode} for recipient ${cmd.recipientId} was refused${externalDetail(dto?.error, dto?.detail)}`,
  } as const;
}
