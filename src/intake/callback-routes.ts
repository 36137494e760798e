// External systems that call back instead of publishing events: POST /callbacks/provisioning.
// The provider's payload is read by the provisioning adapter (its vocabulary stays there); the
// result then goes the same way as a polled or streamed one.
import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import { parseProvisioningCallback } from '../adapters/provisioning/callback.ts';
import { handleProvisioningResult } from '../application/provisioning-result.ts';
import type { MessagePublisher } from '../application/services.ts';
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
      const handled = await handleProvisioningResult(deps.db, deps.messages, { ...parsed.result, channel: 'CALLBACK', rawSnapshot: parsed.snapshot });
      deps.log.info({ providerRequestId: parsed.result.providerRequestId, status: parsed.result.status, handling: handled.kind }, 'provisioning callback');
      if (handled.kind === 'unknown-request') {
        return sendProblem(reply, { type: problemType('unknown-request'), title: 'Unknown provisioning request', status: 404, detail: `no fulfillment task waits for provider request ${parsed.result.providerRequestId}` });
      }
      return reply.code(202).send({ accepted: true, handling: handled.kind });
    } catch (err) {
      // The provider retries callbacks: answering 503 keeps the result from being lost.
      deps.log.error({ err: (err as Error).message }, 'provisioning callback could not be recorded');
      return sendProblem(reply, { type: problemType('temporarily-unavailable'), title: 'Callback not recorded', status: 503, detail: 'try again later' }, { 'retry-after': '5' });
    }
  });
}
