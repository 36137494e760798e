// Per-client rate limit of POST /orders (@fastify/rate-limit), counted by the token's client, so one
// noisy client cannot starve the others. The settings describe a token bucket (a sustained rate and
// a burst); the plugin counts fixed windows, so the closest honest mapping is a window of
// burst / rate seconds holding `burst` requests: the same sustained rate, a burst of `burst` served
// at once, and at worst 2 × burst across a window boundary.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { problemType } from '../problem.ts';
import { principalOf } from './api-auth-hook.ts';
import { ProblemError } from './problem-error.ts';

export interface IntakeRateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export interface RateWindow {
  readonly max: number;
  readonly timeWindowMs: number;
}

export function rateWindow(limit: IntakeRateLimit): RateWindow {
  return { max: limit.burst, timeWindowMs: Math.ceil((limit.burst * 1000) / limit.perSecond) };
}

/** The client a request counts against: its token's client; by address when tokens are off. */
export function rateLimitKey(request: FastifyRequest): string {
  const principal = principalOf(request);
  return principal === undefined ? `address:${request.ip}` : `client:${principal.clientId}`;
}

/** Registers the plugin (no route limited yet); a route opts in with `config: orderRateLimitConfig(limit)`. */
export async function registerRateLimit(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    // after the bearer guard (onRequest): the key is the verified client
    hook: 'preHandler',
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) =>
      new ProblemError({
        type: problemType('rate-limited'),
        title: 'Too many requests',
        // 429 always: no ban is configured (the plugin's 403 ban)
        status: 429,
        detail: `this client sent more than ${context.max} requests in the rate-limit window; retry in ${context.after}`,
      }),
  });
}

export function orderRateLimitConfig(limit: IntakeRateLimit): { rateLimit: { max: number; timeWindow: number } } {
  const window = rateWindow(limit);
  return { rateLimit: { max: window.max, timeWindow: window.timeWindowMs } };
}
