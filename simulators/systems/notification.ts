// Notification: e-mail messages. No idempotency at all, on purpose: every accepted POST sends a
// message and is a side effect, so duplicates show up in the record exactly as customers would
// see them.
import { z } from 'zod';
import { apiKeyAuth } from '../kit/auth.ts';
import { payloadHash } from '../kit/fingerprint.ts';
import { newId } from '../kit/ids.ts';
import { checkBody } from '../kit/json-body.ts';
import type { SideEffectRecorder } from '../kit/side-effects.ts';
import type { SimReply, SimRequest, SystemDefinition } from '../kit/system-routes.ts';
import type { SimulatedSystem } from './simulated-system.ts';
import { SYSTEM_PATHS } from '../endpoints.ts';

const SYSTEM = 'notification';
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export const messageRequestSchema = z.object({
  template: z.string().min(1),
  to: z.string(),
  channel: z.literal('EMAIL'),
  ref: z.string().min(1),
  data: z.record(z.string(), z.string()),
});

export interface SentMessage {
  readonly messageId: string;
  readonly to: string;
  readonly template: string;
  readonly ref: string;
  readonly sentAt: string;
}

const errorBody = (error: string, detail: string) => ({ error, detail });

export function createNotificationSystem(options: { readonly apiKey: string; readonly sideEffects: SideEffectRecorder }): SimulatedSystem & { readonly messages: readonly SentMessage[] } {
  const messages: SentMessage[] = [];

  function sendMessage(request: SimRequest): SimReply {
    const checked = checkBody(messageRequestSchema, request.body);
    if (!checked.ok) return { status: 400, body: errorBody('INVALID_REQUEST', checked.message) };
    const { to, template, ref } = checked.data;
    if (!EMAIL.test(to)) return { status: 400, body: errorBody('INVALID_RECIPIENT', `"${to}" is not an e-mail address`) };
    const message: SentMessage = { messageId: newId('MSG'), to, template, ref, sentAt: new Date().toISOString() };
    messages.push(message);
    options.sideEffects.record({ system: SYSTEM, operation: 'sendMessage', ref, payloadHash: payloadHash({ params: request.params, body: request.body }) });
    return { status: 202, body: { messageId: message.messageId, status: 'QUEUED' } };
  }

  function findMessages(request: SimRequest): SimReply {
    const { to, template } = request.query;
    const items = messages.filter((m) => (to === undefined || m.to === to) && (template === undefined || m.template === template));
    return { status: 200, body: { items } };
  }

  const definition: SystemDefinition = {
    name: SYSTEM,
    prefix: SYSTEM_PATHS.notification,
    auth: apiKeyAuth('x-api-key', options.apiKey),
    errorBody,
    badRequestCode: 'INVALID_REQUEST',
    routes: [
      { method: 'POST', url: '/v1/messages', operation: 'sendMessage', successStatus: 202, handle: sendMessage },
      { method: 'GET', url: '/v1/messages', operation: 'findMessages', successStatus: 200, handle: findMessages },
    ],
  };

  return {
    definition,
    messages,
    reset: () => {
      messages.length = 0;
    },
  };
}
