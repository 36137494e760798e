// The control API (/__sim, no auth): tests install fault rules, read the side-effect record and
// forget everything between cases. It talks about the simulators, never as one of the systems.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { checkRuleTarget, faultRuleInputSchema, type FaultCatalog } from './kit/fault-rules.ts';
import { checkBody } from './kit/json-body.ts';
import type { SimulatorState } from './state.ts';

function textParam(query: unknown, name: string): string | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  const value: unknown = (query as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const invalid = (reply: FastifyReply, detail: string) => reply.code(400).send({ error: 'INVALID_FAULT_RULE', detail });

export async function registerControl(app: FastifyInstance, state: SimulatorState, catalog: FaultCatalog): Promise<void> {
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

      scope.post('/reset', async (_request, reply) => {
        state.reset();
        return reply.code(204).send();
      });
    },
    { prefix: '/__sim' },
  );
}
