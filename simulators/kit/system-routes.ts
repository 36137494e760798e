// The request pipeline every simulated system shares: fault rules first (they stand for the
// network and the provider's bad days), then the system's own credential check, then the
// operation itself; answers and errors always in the system's own shape.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthScheme } from './auth.ts';
import type { Fault, FaultCatalog, FaultRuleBook } from './fault-rules.ts';
import type { Scheduler } from './scheduler.ts';

/** One request as an operation sees it (framework-free, so operations stay plain functions). */
export interface SimRequest {
  readonly system: string;
  readonly operation: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** parsed JSON, InvalidJson, or undefined when there was no body */
  readonly body: unknown;
  /** the fault rule this request triggered, for faults the operation itself honours (async-failure) */
  readonly fault: Fault | undefined;
}

export interface SimReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SimRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** below the system's prefix, fastify syntax (":param") */
  readonly url: string;
  /** the name fault rules and side effects use (also the OpenAPI operationId) */
  readonly operation: string;
  /** what a `malformed` fault answers with */
  readonly successStatus: number;
  /** the operation completes later (async-failure applies) */
  readonly asynchronous?: boolean;
  /** synchronous on purpose: check-then-commit on the in-memory state cannot interleave */
  readonly handle: (request: SimRequest) => SimReply;
}

export interface SystemDefinition {
  readonly name: string;
  /** e.g. "/inventory" */
  readonly prefix: string;
  readonly auth: AuthScheme;
  /** the system's own error body */
  readonly errorBody: (code: string, message: string) => Record<string, unknown>;
  /** the system's code for a request it cannot read */
  readonly badRequestCode: string;
  readonly routes: readonly SimRoute[];
}

export interface PipelineDeps {
  readonly faults: FaultRuleBook;
  /** request delays (latency, timeouts); cancelled on close so no request hangs on */
  readonly delays: Scheduler;
}

const STATUS_CODES: Readonly<Record<number, string>> = {
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};
const codeForStatus = (status: number): string => STATUS_CODES[status] ?? `HTTP_${status}`;

export function catalogOf(systems: readonly SystemDefinition[]): FaultCatalog {
  return Object.fromEntries(systems.map((s) => [s.name, Object.fromEntries(s.routes.map((r) => [r.operation, { asynchronous: r.asynchronous === true }]))]));
}

function textRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    const first: unknown = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = String(first);
  }
  return out;
}

function send(reply: FastifyReply, answer: SimReply): FastifyReply {
  reply.code(answer.status);
  if (answer.headers) reply.headers(answer.headers);
  return answer.body === undefined ? reply.send() : reply.send(answer.body);
}

/** Closes the socket without a byte of answer: the client sees a reset, as on a broken network. */
function dropConnection(request: FastifyRequest, reply: FastifyReply): undefined {
  reply.hijack();
  request.raw.socket.destroy();
  return undefined;
}

function unauthorized(system: SystemDefinition): SimReply {
  return {
    status: 401,
    body: system.errorBody('UNAUTHORIZED', 'missing or invalid credentials'),
    ...(system.auth.challenge ? { headers: { 'www-authenticate': system.auth.challenge } } : {}),
  };
}

function statusFault(system: SystemDefinition, fault: Extract<Fault, { type: 'status' }>): SimReply {
  // 429 always says when to come back: that is what makes it a rate limit and not just an error
  const retryAfter = fault.retryAfterSeconds ?? (fault.status === 429 ? 1 : undefined);
  return {
    status: fault.status,
    body: fault.body ?? system.errorBody(codeForStatus(fault.status), `simulated fault: HTTP ${fault.status}`),
    ...(retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } }),
  };
}

/** The operation's success status with a body that breaks the contract: fields missing, or not JSON at all. */
function malformed(route: SimRoute, fault: Extract<Fault, { type: 'malformed' }>): SimReply {
  if (fault.variant === 'not-json') {
    return { status: route.successStatus, body: '<html><body>upstream says hello</body></html>', headers: { 'content-type': 'text/html; charset=utf-8' } };
  }
  return { status: route.successStatus, body: { result: 'OK' } };
}

async function serve(system: SystemDefinition, route: SimRoute, deps: PipelineDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const target = { system: system.name, operation: route.operation, params: textRecord(request.params), query: textRecord(request.query), body: request.body };
  const fault = deps.faults.take(target, (f) => f.type !== 'async-failure' || route.asynchronous === true);

  // faults that stop the request before the system acts
  switch (fault?.type) {
    case 'latency':
      if (!(await deps.delays.sleep(fault.ms))) return dropConnection(request, reply);
      break;
    case 'status':
      return send(reply, statusFault(system, fault));
    case 'auth':
      return send(reply, unauthorized(system));
    case 'drop-connection':
      return dropConnection(request, reply);
    case 'timeout-before-commit':
      await deps.delays.sleep(fault.ms);
      return dropConnection(request, reply);
    default:
      break;
  }

  if (!system.auth.verify(request.headers)) return send(reply, unauthorized(system));
  const answer = route.handle({ ...target, headers: request.headers, fault });

  // faults that act on the answer of a request the system has already carried out
  if (fault?.type === 'timeout-after-commit' && !(await deps.delays.sleep(fault.ms))) return dropConnection(request, reply);
  // only a success is mangled: a refusal stays a refusal, as a broken serializer would leave it
  if (fault?.type === 'malformed' && answer.status < 300) return send(reply, malformed(route, fault));
  return send(reply, answer);
}

/** Mounts one system under its prefix, with its own 404 and error answers. */
export async function registerSystem(app: FastifyInstance, system: SystemDefinition, deps: PipelineDeps): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setNotFoundHandler((request, reply) => {
        void reply.code(404).send(system.errorBody('NOT_FOUND', `no such resource: ${request.method} ${request.url}`));
      });
      scope.setErrorHandler((error: FastifyError, request, reply) => {
        const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
        if (status === 500) request.log.error({ err: error }, `${system.name} simulator failed on ${request.method} ${request.url}`);
        const code = status === 400 ? system.badRequestCode : codeForStatus(status);
        void reply.code(status).send(system.errorBody(code, status === 500 ? 'internal error of the simulator' : error.message));
      });
      for (const route of system.routes) {
        scope.route({ method: route.method, url: route.url, handler: (request, reply) => serve(system, route, deps, request, reply) });
      }
    },
    { prefix: system.prefix },
  );
}
