// External systems that call back instead of publishing events: POST /callbacks/provisioning.
// The provider's payload is read by the provisioning adapter (its vocabulary stays there); the
// result then goes the same way as a polled or streamed one.
import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import { parseProvisioningCallback } from '../adapters/provisioning/callback.ts';
import { deliverProvisioningResult } from '../core/provisioning-results/result-inbox.ts';
import type { MessagePublisher } from '../core/ports/message-publisher.ts';
import type { Logger } from '../platform/logger.ts';
import { problemType, sendProblem } from './problem.ts';

export interface CallbackDeps {
  readonly db: DatabasePool;
  readonly messages: MessagePublisher;
  readonly log: Logger;
}

export function callbackRoutes(app: FastifyInstance, deps: CallbackDeps): void {
  app.post('/callbacks/provisioning', async (req, reply) => {
    const parsed = parseProvisioningCallback(req.body);
    if (!parsed.ok) {
      deps.log.warn({ problem: parsed.error }, 'provisioning callback rejected: contract violation');
      return sendProblem(reply, { type: problemType('invalid-callback'), title: 'Callback does not match the provisioning contract', status: 400, detail: parsed.error });
    }
    try {
      // A callback has no id of its own: the same result for the same request is the same delivery.
      const status = await deliverProvisioningResult(deps.db, deps.messages, {
        eventId: `provisioning-callback:${parsed.result.providerRequestId}:${parsed.result.status}`,
        eventType: 'ProvisioningCallback',
        sourceTopic: 'http:/callbacks/provisioning',
        channel: 'CALLBACK',
        result: parsed.result,
        snapshot: parsed.snapshot,
      });
      deps.log.info({ providerRequestId: parsed.result.providerRequestId, status: parsed.result.status, inbox: status }, 'provisioning callback');
      if (status === 'FAILED_PERMANENT') {
        return sendProblem(reply, { type: problemType('unknown-request'), title: 'Unknown provisioning request', status: 404, detail: `no fulfillment task waits for provider request ${parsed.result.providerRequestId}` });
      }
      return reply.code(202).send({ accepted: true, inbox: status });
    } catch (err) {
      // The result could not even be recorded (database away). The provider retries callbacks:
      // answering 503 keeps the result from being lost. (One recorded but not deliverable yet —
      // FAILED_RETRYABLE — is accepted: the farm retries it from the inbox.)
      deps.log.error({ err: (err as Error).message }, 'provisioning callback could not be recorded');
      return sendProblem(reply, { type: problemType('temporarily-unavailable'), title: 'Callback not recorded', status: 503, detail: 'try again later' }, { 'retry-after': '5' });
    }
  });
}
