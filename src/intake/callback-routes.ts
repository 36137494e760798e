// External systems that call back instead of publishing events: POST /callbacks/provisioning.
// The provider signs each callback (src/adapters/provisioning/signature.ts): the signature is
// checked over the raw body before anything is parsed or stored, so the route reads its body as
// bytes (a parser scoped to this route; bodyLimit still applies). The provider's payload is read by
// the provisioning adapter (its vocabulary stays there); the result then goes the same way as a
// polled or streamed one.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DatabasePool } from 'slonik';
import { parseProvisioningCallback } from '../adapters/provisioning/callback.ts';
import { verifyProvisioningSignature, type ProvisioningSigning } from '../adapters/provisioning/signature.ts';
import { deliverProvisioningResult } from '../core/provisioning-results/result-inbox.ts';
import type { MessagePublisher } from '../core/ports/message-publisher.ts';
import type { Logger } from '../platform/logger.ts';
import { problemType, sendProblem } from './problem.ts';

export interface CallbackDeps {
  readonly db: DatabasePool;
  readonly messages: MessagePublisher;
  readonly log: Logger;
  /** the provider's secrets and replay window (the composition root reads them from the configuration) */
  readonly callbackSigning: ProvisioningSigning;
}

export function callbackRoutes(app: FastifyInstance, deps: CallbackDeps): void {
  const signing = deps.callbackSigning;
  // a plugin scope, so the raw-body parser below is this route's alone (named app for the contracts' route scan)
  void app.register(async (app) => {
    // fastify's own JSON reading (it refuses __proto__ and constructor poisoning), run after the check
    const defaultJson = app.getDefaultJsonParser('error', 'error');
    const parseJson = (req: FastifyRequest, text: string) =>
      new Promise<{ ok: true; value: unknown } | { ok: false }>((resolve) => defaultJson(req, text, (err, value) => resolve(err ? { ok: false } : { ok: true, value: value as unknown })));
    // the signature covers the bytes as sent: keep them, parse after verifying
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.post('/callbacks/provisioning', async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verdict = verifyProvisioningSignature(req.headers, raw, signing);
      if (!verdict.ok) {
        deps.log.warn({ reason: verdict.reason, ip: req.ip }, 'provisioning callback refused: signature not accepted');
        return sendProblem(reply, { type: problemType('invalid-signature'), title: 'Callback signature not accepted', status: 401, detail: `${verdict.reason}: ${verdict.detail}` });
      }
      const json = await parseJson(req, raw.toString('utf8'));
      if (!json.ok) return sendProblem(reply, { type: problemType('bad-request'), title: 'Bad request', status: 400, detail: 'the body is not valid JSON' });
      const body = json.value;
      const parsed = parseProvisioningCallback(body);
      if (!parsed.ok) {
        deps.log.warn({ problem: parsed.error }, 'provisioning callback rejected: contract violation');
        return sendProblem(reply, { type: problemType('invalid-callback'), title: 'Callback does not match the provisioning contract', status: 400, detail: parsed.error });
      }
      try {
        // A callback has no id of its own: the same result for the same request is the same delivery
        // (so a signed callback replayed within the window changes nothing).
        const status = await deliverProvisioningResult(deps.db, deps.messages, {
          eventId: `provisioning-callback:${parsed.result.providerRequestId}:${parsed.result.status}`,
          eventType: 'ProvisioningCallback',
          sourceTopic: 'http:/callbacks/provisioning',
          channel: 'CALLBACK',
          result: parsed.result,
          snapshot: parsed.snapshot,
        });
        deps.log.info({ providerRequestId: parsed.result.providerRequestId, status: parsed.result.status, inbox: status }, 'provisioning callback');
        if (status === 'PARKED_RETRIES_EXHAUSTED') {
          deps.log.error({ eventId: `provisioning-callback:${parsed.result.providerRequestId}:${parsed.result.status}` }, 'provisioning callback parked: its handling failed on every attempt');
        }
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
  });
}
