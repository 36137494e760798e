// NotificationPort over the provider's HTTP API. No idempotency header exists there, so a send
// that got no answer is ambiguous: the attempt ledger and reconciliation keep it from going twice.
import type { ExternalResult } from '../../core/ports/external-result.ts';
import { failureOf, type HttpSender } from '../../integration/http/system-client.ts';
import { READ, SIDE_EFFECT, errorBody, readBody } from '../http-response.ts';
import { messageAcceptedDto, notificationErrorDto, sentMessageListDto } from './dto.ts';
import { toExternalMessage, toExternalMessageQuery, toInternalRejectedMessage, toInternalSent, toInternalSentMessages, type SentMessage } from './mapper.ts';
import type { NotificationCommand, NotificationPort, NotificationSent } from '../../core/ports/notification.ts';

export class NotificationHttpAdapter implements NotificationPort {
  private readonly client: HttpSender;

  constructor(client: HttpSender) {
    this.client = client;
  }

  async send(cmd: NotificationCommand): Promise<ExternalResult<NotificationSent>> {
    const outcome = await this.client.send({ method: 'POST', path: '/v1/messages', body: toExternalMessage(cmd) });
    if (outcome.kind !== 'response') return failureOf(outcome, SIDE_EFFECT);
    const { exchange } = outcome;
    if (outcome.status === 202) return readBody(outcome, messageAcceptedDto, 'notification acceptance', (dto) => ({ kind: 'succeeded', value: toInternalSent(dto), externalReferenceId: dto.messageId, exchange }));
    if (outcome.status === 400) return { kind: 'rejected', category: 'VALIDATION_REJECTED', ...toInternalRejectedMessage(cmd, errorBody(outcome, notificationErrorDto)), exchange };
    return failureOf(outcome, SIDE_EFFECT);
  }

  async findSent(email: string, templateCode: string): Promise<ExternalResult<readonly SentMessage[]>> {
    const outcome = await this.client.send({ method: 'GET', path: '/v1/messages', searchParams: toExternalMessageQuery(email, templateCode) });
    if (outcome.kind !== 'response' || outcome.status !== 200) return failureOf(outcome, READ);
    return readBody(outcome, sentMessageListDto, 'notification message list', (dto) => ({ kind: 'succeeded', value: toInternalSentMessages(dto), exchange: outcome.exchange }));
  }
}
