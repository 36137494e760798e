// Error answers of the intake as RFC 9457 problem details, so a caller always learns which field
// or header was wrong and what to do.
import type { FastifyReply } from 'fastify';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
}

export function sendProblem(reply: FastifyReply, p: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(p.status).headers({ 'content-type': 'application/problem+json', ...headers }).send(p);
}

export const problemType = (code: string) => `urn:fulfillment:problem:${code}`;
