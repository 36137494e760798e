// Provisioning callbacks for the fuzz: a body (the contract broken in one or a few places, not a
// document at all, huge, or well-formed for a request nobody made) under a signature that is right
// or wrong in one of its ways. Every provider request id the run sends starts with the run's tag,
// so the inbox rows they caused can be found afterwards.
import fc from 'fast-check';
import { mutate, mutation, notADocument, type Mutation } from './hostile.ts';
import type { FuzzRequest } from './http-check.ts';
import { signatureCase, signatureHeaders, type SignatureCase } from './signing.ts';

export type CallbackBody =
  | { readonly kind: 'unknown-request'; readonly status: string }
  | { readonly kind: 'mutated'; readonly mutations: readonly Mutation[] }
  | { readonly kind: 'other'; readonly text: string; readonly why: string };

export interface CallbackCase {
  readonly n: number;
  readonly body: CallbackBody;
  readonly signature: SignatureCase;
}

export interface CallbackContext {
  readonly runTag: string;
  /** the provider's current signing secret (the first of PROVISIONING_SIGNING_SECRETS) */
  readonly secret: string;
  readonly toleranceS: number;
  /** whether the intake checks signatures (false before signed callbacks existed) */
  readonly signed: boolean;
  acceptable(c: CallbackCase): boolean | string;
  answered(c: CallbackCase, status: number): void;
}

let counter = 0;

export const callbackCase: fc.Arbitrary<CallbackCase> = fc.record({
  n: fc.constant(0).map(() => ++counter),
  body: fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('DONE', 'ERR', 'ACK', 'IN_PROGRESS', 'WEIRD_STATUS').map((status) => ({ kind: 'unknown-request', status }) as const) },
    { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => ({ kind: 'mutated', mutations }) as const) },
    { weight: 2, arbitrary: notADocument.map((d) => ({ kind: 'other', ...d }) as const) },
  ),
  signature: signatureCase,
});

/** A well-formed callback body for a request nobody made (the provider request id carries the run tag). */
export function wellFormed(runTag: string, n: number, status = 'DONE'): Record<string, unknown> {
  return { provTxnRef: `${runTag}-cb-${n}`, clientTxnRef: `provisioning:tenant-fuzz:${runTag}:${n}:ACTIVATE`, orderRef: `${runTag}-order-${n}`, itemRef: `item-${n}`, status };
}

export function callbackBody(c: CallbackCase, runTag: string): string {
  switch (c.body.kind) {
    case 'unknown-request':
      return JSON.stringify(wellFormed(runTag, c.n, c.body.status));
    case 'mutated':
      return JSON.stringify(mutate(wellFormed(runTag, c.n), c.body.mutations));
    case 'other':
      return c.body.text;
  }
}

export function callbackRequest(c: CallbackCase, ctx: CallbackContext): FuzzRequest {
  const body = callbackBody(c, ctx.runTag);
  return { method: 'POST', path: '/callbacks/provisioning', headers: { 'content-type': 'application/json', ...signatureHeaders(c.signature, body, ctx.secret, ctx.toleranceS) }, body };
}

/** The provider request id of a callback, when its body names one (for finding its inbox rows). */
export function callbackRef(c: CallbackCase, runTag: string): string | undefined {
  try {
    const ref = (JSON.parse(callbackBody(c, runTag)) as { provTxnRef?: unknown }).provTxnRef;
    return typeof ref === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
}
