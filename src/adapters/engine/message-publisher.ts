// MessagePublisher over the engine's gRPC API. An ALREADY_EXISTS answer means a message with the
// same id is still alive in the engine: the publish already happened, which is what we wanted.
import type { Zeebe } from '@camunda8/sdk';
import type { MessagePublisher } from '../../core/ports/message-publisher.ts';
import type { GatewayCommands } from '../../platform/gateway-client.ts';

/** gRPC ALREADY_EXISTS */
const ALREADY_EXISTS = 6;

/** The process's gateway channel (src/platform/gateway-client.ts), or the SDK client some tests and benches hold. */
export type MessageCommands = Pick<GatewayCommands, 'publishMessage'> | Pick<Zeebe.ZeebeGrpcClient, 'publishMessage'>;

export function zeebeMessagePublisher(commands: MessageCommands): MessagePublisher {
  // both take the same request; the SDK's variables type is only narrower (JSON values)
  const zeebe = commands as Pick<GatewayCommands, 'publishMessage'>;
  return {
    async publish(msg) {
      try {
        await zeebe.publishMessage({
          name: msg.name,
          correlationKey: msg.correlationKey,
          messageId: msg.messageId,
          variables: msg.variables,
          timeToLive: msg.timeToLiveMs,
        });
      } catch (err) {
        if ((err as { code?: unknown }).code === ALREADY_EXISTS || /ALREADY_EXISTS|already exists|6 ALREADY/i.test(String((err as Error).message))) return;
        throw err;
      }
    },
  };
}
