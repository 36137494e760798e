// PublishMessage (buffered for its TTL; a duplicate messageId while buffered is ALREADY_EXISTS,
// decided by the engine) and BroadcastSignal.
import type { Engine } from '../api.ts';
import { optionalTenant, parseNumber, parseVariables, requireNonBlank } from './wire.ts';

interface PublishMessageWire {
  readonly name?: string;
  readonly correlationKey?: string;
  readonly timeToLive?: string;
  readonly messageId?: string;
  readonly variables?: string;
  readonly tenantId?: string;
}

export function publishMessage(engine: Engine) {
  return async (request: PublishMessageWire) => {
    const timeToLive = parseNumber('timeToLive', request.timeToLive);
    const published = await engine.publishMessage({
      name: requireNonBlank('name', request.name),
      correlationKey: request.correlationKey ?? '',
      timeToLive: Math.max(0, timeToLive),
      messageId: request.messageId ? request.messageId : undefined,
      variables: parseVariables('variables', request.variables),
      tenantId: optionalTenant(request.tenantId),
    });
    return { key: published.key, tenantId: published.tenantId };
  };
}

export function broadcastSignal(engine: Engine) {
  return async (request: { signalName?: string; variables?: string; tenantId?: string }) => {
    const signal = await engine.broadcastSignal(requireNonBlank('signalName', request.signalName), parseVariables('variables', request.variables), optionalTenant(request.tenantId));
    return { key: signal.key, tenantId: signal.tenantId };
  };
}
