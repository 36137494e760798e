// The intake HTTP server: order submission, external callbacks, the operator API. Malformed
// requests get problem details, never a stack trace; orders and operator routes need a bearer
// token with the right role (auth/), and POST /orders is rate-limited per client.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AcceptOrderDeps } from '../core/use-cases/accept-order.ts';
import type { EnginePort } from '../core/ports/engine.ts';
import type { Logger } from '../platform/logger.ts';
import { callbackRoutes } from './callback-routes.ts';
import { operatorRoutes } from './operator-routes.ts';
import { opsRoutes } from './ops-routes.ts';
import type { OpsEndpoints } from '../platform/ops-endpoints.ts';
import { orderRoutes } from './order-routes.ts';
import { problemType, sendProblem } from './problem.ts';
import type { ApiAccess } from './auth/api-access.ts';
import { installApiAuth } from './auth/api-auth-hook.ts';
import { registerRateLimit } from './auth/intake-rate-limit.ts';
import { ProblemError } from './auth/problem-error.ts';
import { consoleRoutes } from './console/console-routes.ts';
import type { ConsoleSettings } from './console/console-settings.ts';
import type { ProvisioningSigning } from '../adapters/provisioning/signature.ts';

export interface IntakeDeps extends AcceptOrderDeps {
  readonly log: Logger;
  readonly engine: EnginePort;
  /** GET /metrics, /health/live, /health/ready (the intake process serves them; tests may leave them out) */
  readonly ops?: OpsEndpoints;
  /** bearer tokens and the per-client rate limit: apiAccess(config) */
  readonly access: ApiAccess;
  /** the operator console at /console/ (consoleSettings(config)); left out, the intake serves no console */
  readonly console?: ConsoleSettings;
  /** how provider callbacks are verified: provisioningSigning(config) */
  readonly callbackSigning: ProvisioningSigning;
}

export function buildIntakeServer(deps: IntakeDeps): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    // errors the router raises before any route runs (a malformed percent-escape, a path parameter
    // past its length) get problem documents too, not fastify's own error body
    frameworkErrors: (err, _req, reply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return sendProblem(reply, {
        type: problemType(tooLong ? 'path-parameter-too-long' : 'bad-url'),
        title: tooLong ? 'Path parameter too long' : 'Malformed URL',
        status: tooLong ? 414 : 400,
        detail: tooLong ? 'a path parameter of this URL is longer than any id the API knows (100 characters at most)' : 'the URL is not well formed: a percent-escape in its path does not decode',
      });
    },
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof ProblemError) return sendProblem(reply, err.problem);
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'intake request failed');
    return sendProblem(reply, {
      type: problemType(status === 500 ? 'internal' : 'bad-request'),
      title: status === 500 ? 'Internal error' : 'Bad request',
      status,
      detail: status === 500 ? 'the request could not be processed; it is safe to retry with the same Idempotency-Key' : err.message,
    });
  });
  // Only JSON bodies are part of the contract: without this a text/plain body would be read as a
  // string and refused as an invalid order instead of as the wrong media type (415).
  app.removeContentTypeParser('text/plain');
  app.setNotFoundHandler((req, reply) => sendProblem(reply, { type: problemType('not-found'), title: 'Not found', status: 404, detail: `${req.method} ${req.url} is not a route of the intake` }));
  installApiAuth(app, deps.access.auth);
  // a scope of their own, so the rate limiter is loaded before the order routes are declared
  void app.register(async (orders) => {
    await registerRateLimit(orders);
    orderRoutes(orders, deps, deps.access.rateLimit);
  });
  callbackRoutes(app, deps);
  operatorRoutes(app, deps);
  if (deps.ops) opsRoutes(app, deps.ops);
  if (deps.console) consoleRoutes(app, deps.console);
  return app;
}
