// MessagePublisher over the engine's gRPC API. An ALREADY_EXISTS answer means a message with the
// same id is still alive in the engine: the publish already happened, which is what we wanted.
import type { Zeebe } from '@camunda8/sdk';
import type { MessagePublisher } from '../../core/ports/message-publisher.ts';

export function zeebeMessagePublisher(zeebe: Zeebe.ZeebeGrpcClient): MessagePublisher {
  return {
    async publish(msg) {
      try {
        await zeebe.publishMessage({
          name: msg.name,
          correlationKey: msg.correlationKey,
          messageId: msg.messageId,
          variables: msg.variables as never,
          timeToLive: msg.timeToLiveMs,
        });
      } catch (err) {
        if (/ALREADY_EXISTS|already exists|6 ALREADY/i.test(String((err as Error).message))) return;
        throw err;
      }
    },
  };
}
