// Notification: customer messages (seed 000 §16). The provider has no idempotency support: the
// attempt ledger is what keeps a message from going out twice.
import type { ExternalResult } from './external-result.ts';

export interface NotificationCommand {
  readonly templateCode: string;
  readonly recipientId: string;
  readonly email: string;
  /** curated template data only (seed 000 §16.2), never the order aggregate */
  readonly data: Readonly<Record<string, string>>;
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface NotificationSent {
  readonly messageId: string;
}

export interface NotificationPort {
  send(cmd: NotificationCommand): Promise<ExternalResult<NotificationSent>>;
  /** Messages the provider holds for this recipient and template (reconciliation / inspection). */
  findSent(email: string, templateCode: string): Promise<ExternalResult<readonly { readonly messageId: string; readonly sentAt: string; readonly reference?: string | undefined }[]>>;
}
