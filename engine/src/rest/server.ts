// The engine's REST API v2 (Camunda 8.9 shapes) over the Engine façade. Returns a fastify instance
// that is not listening yet (start.ts listens). Every /v2 route but GET /v2/status sits behind the
// bearer guard when `authenticate` is given; `extraRoutes` (the OAuth token endpoint) are outside it.
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { EngineError, isEngineError } from '../api.ts';
import type { Engine } from '../api.ts';
import { problemOf, sendProblem } from './problem.ts';
import { registerClusterRoutes } from './routes/cluster.ts';
import { registerDeploymentRoutes } from './routes/deployments.ts';
import { registerProcessInstanceRoutes } from './routes/process-instances.ts';
import { registerElementInstanceRoutes } from './routes/element-instances.ts';
import { registerIncidentRoutes } from './routes/incidents.ts';
import { registerUserTaskRoutes } from './routes/user-tasks.ts';
import { registerVariableRoutes } from './routes/variables.ts';
import { registerProcessDefinitionRoutes } from './routes/process-definitions.ts';
import { registerMessageRoutes } from './routes/messages.ts';
import { registerJobRoutes } from './routes/jobs.ts';

export interface RestServerOptions {
  readonly engine: Engine;
  /** throws (EngineError UNAUTHENTICATED) unless the header carries a valid bearer token */
  readonly authenticate?: ((authorization: string | undefined) => Promise<void>) | undefined;
  readonly extraRoutes?: ((app: FastifyInstance) => void) | undefined;
  /** JSON and multipart bodies beyond this many bytes are refused with 413 */
  readonly bodyLimit?: number | undefined;
}

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export async function createRestServer(options: RestServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT });
  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, problemOf(error)));
  acceptEmptyJsonBodies(app);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, { status: 404, title: 'NOT_FOUND', detail: `No endpoint ${request.method} ${request.url.split('?')[0]}` }),
  );
  options.extraRoutes?.(app);
  // A health probe, outside the bearer guard: probes (and the stack's readiness check) carry no token.
  app.get('/v2/status', async (_request, reply) => reply.code(204).send());

  await app.register(
    async (v2) => {
      const authenticate = options.authenticate;
      if (authenticate) {
        v2.addHook('onRequest', async (request) => {
          try {
            await authenticate(request.headers.authorization);
          } catch (error) {
            throw isEngineError(error) ? error : new EngineError('UNAUTHENTICATED', 'Invalid or missing bearer token');
          }
        });
      }
      const { engine } = options;
      registerClusterRoutes(v2, engine);
      registerDeploymentRoutes(v2, engine);
      registerProcessInstanceRoutes(v2, engine);
      registerElementInstanceRoutes(v2, engine);
      registerIncidentRoutes(v2, engine);
      registerUserTaskRoutes(v2, engine);
      registerVariableRoutes(v2, engine);
      registerProcessDefinitionRoutes(v2, engine);
      registerMessageRoutes(v2, engine);
      registerJobRoutes(v2, engine);
    },
    { prefix: '/v2' },
  );
  return app;
}

/**
 * Commands whose body is optional (cancellation, resolution, completion) are often sent as
 * `Content-Type: application/json` with nothing after it; fastify's parser refuses that with 400.
 * An empty body reads as no body; anything else goes to fastify's own (poisoning-safe) parser.
 */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
