// Reading HTTP answers in the adapters: a 2xx body is trusted only after its contract schema
// accepted it, and an error body is looked at only to pick out the external error code.
import type { z } from 'zod';
import { describeIssues } from '../platform/zod-issues.ts';
import { redactText } from '../platform/redaction.ts';
import { schemaMismatch, type FailureResult, type HttpOutcome } from '../integration/http/system-client.ts';

export type HttpResponse = Extract<HttpOutcome, { kind: 'response' }>;

/** Operations that change the external system: an unanswered request is ambiguous, not a timeout. */
export const SIDE_EFFECT = { sideEffect: true } as const;
export const READ = { sideEffect: false } as const;

/** The contract body of a successful answer, mapped; anything else is a SCHEMA_MISMATCH (never a guess). */
export function readBody<S extends z.ZodType, R>(outcome: HttpResponse, schema: S, what: string, map: (dto: z.output<S>) => R): R | FailureResult {
  if (outcome.parseError) return schemaMismatch(outcome, `${what}: ${outcome.parseError}`);
  const parsed = schema.safeParse(outcome.body);
  if (!parsed.success) return schemaMismatch(outcome, `${what}: ${describeIssues(parsed.error)}`);
  return map(parsed.data);
}

/** The external error body when it has the documented shape; undefined otherwise (the generic mapping applies). */
export function errorBody<S extends z.ZodType>(outcome: HttpResponse, schema: S): z.output<S> | undefined {
  const parsed = schema.safeParse(outcome.body);
  return parsed.success ? parsed.data : undefined;
}


/** " (CODE: message)" from an external error, for reason messages and evidence (redacted: it is the external system's text); empty when there is none. */
export function externalDetail(code: string | undefined, message: string | undefined): string {
  const parts = [code, message].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return parts.length ? ` (${redactText(parts.join(': ')).slice(0, 200)})` : '';
}
