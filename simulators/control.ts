// The control API (/__sim, no auth): tests install fault rules, read the side-effect record and
// forget everything between cases, and (with Kafka) repeat a provisioning result event or publish
// any record. It talks about the simulators, never as one of the systems.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { checkRuleTarget, faultRuleInputSchema, type FaultCatalog } from './kit/fault-rules.ts';
import { checkBody } from './kit/json-body.ts';
import type { SimulatorState } from './state.ts';
import { PROVISIONING_RESULTS_TOPIC } from './systems/provisioning-results.ts';

function textParam(query: unknown, name: string): string | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  const value: unknown = (query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const invalid = (reply: FastifyReply, detail: string) => reply.code(400).send({ error: 'INVALID_FAULT_RULE', detail });
const badRequest = (reply: FastifyReply, detail: string) => reply.code(400).send({ error: 'BAD_REQUEST', detail });
const kafkaDisabled = (reply: FastifyReply) => reply.code(503).send({ error: 'KAFKA_DISABLED', detail: 'the simulators were started without Kafka (kafkaBrokers / SIMULATOR_KAFKA=off)' });
const kafkaUnavailable = (reply: FastifyReply, detail: string) => reply.code(503).send({ error: 'KAFKA_UNAVAILABLE', detail });

const republishInput = z.strictObject({ provTxnRef: z.string().min(1) });
const rawRecordInput = z.strictObject({
  topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name'),
  key: z.string().nullable().optional(),
  // a string on purpose: malformed JSON is what tests send through here
  value: z.string(),
  // sent as given (none, a bad signature); left out, the record is signed as the provider signs
  headers: z.record(z.string(), z.string()).optional(),
});

export async function registerControl(app: FastifyInstance, state: SimulatorState, catalog: FaultCatalog, sign: (value: string) => Readonly<Record<string, string>>): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setNotFoundHandler((request, reply) => {
        void reply.code(404).send({ error: 'NOT_FOUND', detail: `no such resource: ${request.method} ${request.url}` });
      });
      scope.setErrorHandler((error: FastifyError, _request, reply) => {
        const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
        void reply.code(status).send({ error: status === 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST', detail: error.message });
      });

      scope.get('/health', async () => ({ status: 'UP' }));

      scope.post('/faults', async (request, reply) => {
        const checked = checkBody(faultRuleInputSchema, request.body);
        if (!checked.ok) return invalid(reply, checked.message);
        const problem = checkRuleTarget(checked.data, catalog);
        if (problem) return invalid(reply, problem);
        return reply.code(201).send(state.faults.add(checked.data));
      });
      scope.get('/faults', async () => state.faults.list());
      scope.delete('/faults', async () => ({ removed: state.faults.clear() }));

      scope.get('/side-effects', async (request) =>
        state.sideEffects.list({
          system: textParam(request.query, 'system'),
          operation: textParam(request.query, 'operation'),
          key: textParam(request.query, 'key'),
          ref: textParam(request.query, 'ref'),
        }),
      );

      scope.get('/callbacks', async (request) => {
        const provTxnRef = textParam(request.query, 'provTxnRef');
        return [...state.provisioning.serviceOrders.values()]
          .filter((o) => provTxnRef === undefined || o.provTxnRef === provTxnRef)
          .flatMap((o) => o.callbackAttempts.map((a) => ({ provTxnRef: o.provTxnRef, ...a })));
      });

      // duplicated delivery of a provisioning result event (same eventId), for consumer tests
      scope.post('/provisioning/republish', async (request, reply) => {
        const checked = checkBody(republishInput, request.body);
        if (!checked.ok) return badRequest(reply, checked.message);
        if (!state.kafka) return kafkaDisabled(reply);
        const { provTxnRef } = checked.data;
        const outcome = await state.provisioning.republishResult(provTxnRef);
        if (!outcome) return reply.code(404).send({ error: 'NOT_FOUND', detail: `no service order ${provTxnRef}` });
        if (outcome.kind === 'no-result') return reply.code(404).send({ error: 'NOT_FOUND', detail: `service order ${provTxnRef} has no result event yet (not final)` });
        if (outcome.kind === 'failed') return kafkaUnavailable(reply, outcome.error);
        const { record, event } = outcome;
        return { topic: PROVISIONING_RESULTS_TOPIC, key: provTxnRef, partition: record.partition, offset: record.offset, eventId: event.eventId };
      });

      // any value on any topic (created when missing), for malformed and unknown-type tests
      scope.post('/kafka/raw', async (request, reply) => {
        const checked = checkBody(rawRecordInput, request.body);
        if (!checked.ok) return badRequest(reply, checked.message);
        if (!state.kafka) return kafkaDisabled(reply);
        const { topic, key, value, headers } = checked.data;
        try {
          const record = await state.kafka.send({ topic, key: key ?? null, value, headers: headers ?? sign(value) });
          return { topic, ...(key === undefined || key === null ? {} : { key }), partition: record.partition, offset: record.offset };
        } catch (error) {
          return kafkaUnavailable(reply, error instanceof Error ? error.message : String(error));
        }
      });

      // the billing team fixes a refused account (BA-REJECT…): its next activation is accepted
      scope.put('/billing/eligible-accounts/:billingAccountId', async (request, reply) => {
        const { billingAccountId } = request.params as { billingAccountId: string };
        state.billing.makeEligible(billingAccountId);
        return reply.code(200).send({ billingAccountId, eligible: true });
      });

      scope.post('/reset', async (_request, reply) => {
        state.reset();
        return reply.code(204).send();
      });
    },
    { prefix: '/__sim' },
  );
}
