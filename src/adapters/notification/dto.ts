// The notification provider's own wire format (simulators/README.md, `/notify`). It has no
// idempotency support: every accepted POST sends a message.
import { z } from 'zod';

/** POST /v1/messages */
export const messageRequestDto = z.object({
  template: z.string(),
  to: z.string(),
  channel: z.literal('EMAIL'),
  /** free reference the provider stores with the message; we put our idempotency key in it */
  ref: z.string(),
  data: z.record(z.string(), z.string()),
});
export type MessageRequestDto = z.output<typeof messageRequestDto>;

/** 202 {messageId, status: "QUEUED"} */
export const messageAcceptedDto = z.object({ messageId: z.string(), status: z.string().optional() });
export type MessageAcceptedDto = z.output<typeof messageAcceptedDto>;

/** GET /v1/messages?to=…&template=… */
export const sentMessageDto = z.object({ messageId: z.string(), to: z.string(), template: z.string(), ref: z.string().optional(), sentAt: z.string() });
export const sentMessageListDto = z.object({ items: z.array(sentMessageDto) });
export type SentMessageListDto = z.output<typeof sentMessageListDto>;

/** 4xx body: {error, detail}, e.g. 400 INVALID_RECIPIENT. */
export const notificationErrorDto = z.object({ error: z.string(), detail: z.string().optional() });
export type NotificationErrorDto = z.output<typeof notificationErrorDto>;

export const NOTIFICATION_ERRORS = { invalidRecipient: 'INVALID_RECIPIENT' } as const;
