// RFC 9457 problem documents: every error the REST API answers, whatever raised it (an EngineError
// from the runtime, a zod failure, fastify's own body/route errors), leaves as one of these.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ProblemDetail } from '@camunda8/orchestration-cluster-api';
import { isEngineError } from '../api.ts';
import type { EngineErrorCode } from '../api.ts';

const statusOf: Record<EngineErrorCode, number> = {
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  INVALID_ARGUMENT: 400,
  RESOURCE_EXHAUSTED: 503,
  UNAUTHENTICATED: 401,
  UNAVAILABLE: 503,
};

/** Seconds a client should wait before retrying a 503 (backpressure or shutdown). */
export const RETRY_AFTER_SECONDS = 1;

const titleOfStatus: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'INVALID_STATE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
}

/** An error the REST layer raises itself when no EngineError code fits (e.g. 504 on awaitCompletion). */
export class RestProblem extends Error {
  override readonly name = 'RestProblem';
  readonly status: number;
  readonly title: string;
  constructor(status: number, title: string, detail: string) {
    super(detail);
    this.status = status;
    this.title = title;
  }
}

/** Maps anything thrown in a handler to a problem; unknown errors become 500 without leaking internals. */
export function problemOf(error: unknown): Problem {
  if (error instanceof RestProblem) return { status: error.status, title: error.title, detail: error.message };
  if (isEngineError(error)) return { status: statusOf[error.code], title: error.code, detail: error.message };
  const fastifyStatus = statusCodeOf(error);
  if (fastifyStatus !== undefined && fastifyStatus >= 400 && fastifyStatus < 500) {
    return { status: fastifyStatus, title: titleOfStatus[fastifyStatus] ?? 'BAD_REQUEST', detail: messageOf(error) };
  }
  return { status: 500, title: 'INTERNAL_ERROR', detail: 'Unexpected error while processing the request' };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  const body: ProblemDetail = {
    type: 'about:blank',
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: request.url.split('?')[0] ?? request.url,
  };
  if (problem.status === 503) reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
  if (problem.status === 401) reply.header('WWW-Authenticate', 'Bearer');
  return reply.code(problem.status).type('application/problem+json').send(body);
}

function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const { statusCode } = error;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
