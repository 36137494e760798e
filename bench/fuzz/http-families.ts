// The HTTP input families of the fuzz bench: POST /orders bodies and headers, GET /orders/:id, the
// operator routes, and the provisioning callback. Each says how a generated input becomes a request
// and when a 2xx is the right answer to it (its oracle); everything else must be refused with a
// problem document.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { orderRequestSchema } from '../../src/core/domain/order.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { genuine, mostlyGenuine, withAuth, type ApiTokens, type AuthCase } from './auth.ts';
import { encodePart, hostileString, mutate, mutation, notADocument, type Mutation } from './hostile.ts';
import type { FuzzAnswer, FuzzRequest } from './http-check.ts';
import { callbackCase, callbackRequest, type CallbackCase, type CallbackContext } from './callback-inputs.ts';

export interface HttpFamily<I> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<I>;
  request(input: I): FuzzRequest;
  /** true when a 2xx is right for this input; otherwise false or why it is wrong */
  accepts(input: I, answer: FuzzAnswer): boolean | string;
  /** why a 503 is wrong for this family's inputs (its dependencies are up all along), if it is */
  readonly no503?: string;
  /** told of every answer (e.g. to remember which callbacks were refused) */
  observe?(input: I, answer: FuzzAnswer): void;
}

export interface FamilyContext {
  /** genuine bearer tokens per role; undefined when the intake checks none (API_AUTH=off) */
  readonly tokens: ApiTokens | undefined;
  /** prefix of every Idempotency-Key and marker the run sends, so its rows can be found */
  readonly runTag: string;
  readonly callbacks: CallbackContext;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const authOk = (ctx: FamilyContext, auth: AuthCase, roles: readonly ('intake' | 'operator' | 'viewer')[]) => ctx.tokens === undefined || genuine(auth, roles);
const KEY = /^[\x21-\x7e]{1,200}$/;
const CORRELATION = /^[A-Za-z0-9._:-]{1,100}$/;
/** header values node:http can send (others never reach the server) */
const sendable = (s: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(s);

type BodyCase = { readonly kind: 'mutated'; readonly mutations: readonly Mutation[] } | { readonly kind: 'other'; readonly text: string; readonly why: string };

const bodyCase: fc.Arbitrary<BodyCase> = fc.oneof(
  { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => ({ kind: 'mutated', mutations }) as const) },
  { weight: 1, arbitrary: notADocument.map((d) => ({ kind: 'other', ...d }) as const) },
);

export function httpFamilies(ctx: FamilyContext): HttpFamily<never>[] {
  // one valid order as the base of every mutation (its ids are unique to the run)
  const base = sampleOrder({ tenantId: 'tenant-fuzz' });
  const bodyText = (b: BodyCase) => (b.kind === 'mutated' ? JSON.stringify(mutate(base, b.mutations)) : b.text);
  const validOrder = (text: string) => {
    try {
      return orderRequestSchema.safeParse(JSON.parse(text)).success;
    } catch {
      return false;
    }
  };
  const key = () => `${ctx.runTag}-${randomUUID()}`;

  const orderBodies: HttpFamily<{ body: BodyCase; auth: AuthCase }> = {
    name: 'POST /orders: bodies',
    arbitrary: fc.record({ body: bodyCase, auth: fc.constant({ kind: 'role', role: 'intake' } as AuthCase) }),
    request: (i) => ({ method: 'POST', path: '/orders', headers: withAuth({ ...JSON_TYPE, 'idempotency-key': key() }, i.auth, ctx.tokens), body: bodyText(i.body) }),
    accepts: (i) => validOrder(bodyText(i.body)) || 'the body breaks the order contract',
  };

  // each header mostly right, so that the one that is wrong is the one the intake must catch
  const mostly = <T,>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T | undefined>) => fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: bad });
  const headerCase = fc.record({
    key: mostly(fc.uuid() as fc.Arbitrary<string | undefined>, fc.oneof(fc.constant(undefined), fc.constantFrom('', ' ', 'a b', 'ключ', '\t', 'x'.repeat(201), 'x'.repeat(5_000)), fc.string({ maxLength: 210 }))),
    correlation: mostly(fc.constant(undefined) as fc.Arbitrary<string | undefined>, fc.oneof(fc.constantFrom('', 'a b', 'x'.repeat(101), '../x', 'é', 'ok-1'), fc.string({ maxLength: 110 }))),
    contentType: mostly(fc.constantFrom('application/json', 'application/json; charset=utf-8') as fc.Arbitrary<string | undefined>, fc.oneof(fc.constant(undefined), fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/problem+json', '*/*', '', 'application/json; charset=utf-16', 'APPLICATION/JSON'), fc.string({ maxLength: 40 }))),
    auth: mostlyGenuine(['intake']),
    mutated: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 2 }),
  });
  type HeaderCase = typeof headerCase extends fc.Arbitrary<infer T> ? T : never;
  const headerBody = (i: HeaderCase) => JSON.stringify(i.mutated ? mutate(base, i.mutations) : base);
  const orderHeaders: HttpFamily<HeaderCase> = {
    name: 'POST /orders: headers',
    arbitrary: headerCase.filter((i) => [i.key, i.correlation, i.contentType].every((v) => v === undefined || sendable(v))),
    request: (i) => {
      const headers: Record<string, string> = {};
      if (i.contentType !== undefined) headers['content-type'] = i.contentType;
      // a well-formed key is made unique to the run, so it never meets another run's record
      if (i.key !== undefined) headers['idempotency-key'] = KEY.test(i.key) ? `${ctx.runTag}-${i.key}`.slice(0, 200) : i.key;
      if (i.correlation !== undefined) headers['x-correlation-id'] = i.correlation;
      return { method: 'POST', path: '/orders', headers: withAuth(headers, i.auth, ctx.tokens), body: headerBody(i) };
    },
    accepts: (i) => {
      const reasons: string[] = [];
      // HTTP drops the spaces and tabs around a header value before the intake sees it
      if (i.key === undefined || !KEY.test(i.key.trim())) reasons.push('no valid Idempotency-Key');
      if (i.correlation !== undefined && !CORRELATION.test(i.correlation.trim())) reasons.push('bad X-Correlation-Id');
      if (i.contentType === undefined || !/^\s*application\/json\s*(;|$)/i.test(i.contentType)) reasons.push(`content-type ${JSON.stringify(i.contentType)}`);
      if (!authOk(ctx, i.auth, ['intake'])) reasons.push(`authorization ${i.auth.kind}${'role' in i.auth ? ` ${i.auth.role}` : ''}`);
      if (!validOrder(headerBody(i))) reasons.push('the body breaks the order contract');
      return reasons.length === 0 || reasons.join('; ');
    },
  };

  const idText = fc.oneof(hostileString, fc.uuid().map((u) => `ord-${u}`), fc.constantFrom('..', '.', '%2e%2e', '%00', 'ord-%00', '*'));
  const orderRead: HttpFamily<{ id: string; encode: boolean; auth: AuthCase }> = {
    name: 'GET /orders/:id',
    arbitrary: fc.record({ id: idText, encode: fc.boolean(), auth: mostlyGenuine(['viewer', 'operator', 'intake']) }),
    request: (i) => ({ method: 'GET', path: `/orders/${i.encode ? encodePart(i.id) : i.id.toWellFormed().replace(/[^\x21-\x7e]/gu, encodePart)}`, headers: withAuth({}, i.auth, ctx.tokens) }),
    accepts: () => 'no such order',
  };

  const caseId = fc.oneof(fc.uuid(), hostileString.map(encodePart), fc.constantFrom('', '00000000-0000-0000-0000-000000000000', 'not-a-uuid'));
  const decisionBody = fc.oneof(
    fc.record({ decision: fc.oneof(fc.constantFrom('RESUME', 'RETRY', 'COMPENSATE', 'ACCEPT', 'MARK_FAILED', 'resume', ''), hostileString), decidedBy: fc.option(hostileString), note: fc.option(hostileValueLite()) }).map((b) => JSON.stringify(b)),
    notADocument.map((d) => d.text),
  );
  const operatorCase = fc.record({
    route: fc.constantFrom('list', 'case', 'decision', 'decision', 'unknown'),
    caseId,
    query: fc.dictionary(fc.constantFrom('status', 'orderId', 'limit', 'x', '__proto__'), fc.oneof(hostileString, fc.constantFrom('OPEN', 'WAITING_FOR_DECISION', '0', '501', '-1', '1e3')), { maxKeys: 3 }),
    body: decisionBody,
    auth: mostlyGenuine(['operator', 'viewer']),
  });
  type OperatorCase = typeof operatorCase extends fc.Arbitrary<infer T> ? T : never;
  const operator: HttpFamily<OperatorCase> = {
    name: 'operator routes',
    arbitrary: operatorCase,
    request: (i) => {
      const headers = withAuth({}, i.auth, ctx.tokens);
      switch (i.route) {
        case 'list':
          return { method: 'GET', path: `/operator/cases?${new URLSearchParams(Object.entries(i.query).map(([k, v]): [string, string] => [k, v.toWellFormed()])).toString()}`, headers };
        case 'case':
          return { method: 'GET', path: `/operator/cases/${i.caseId}`, headers };
        case 'decision':
          return { method: 'POST', path: `/operator/cases/${i.caseId}/decision`, headers: { ...headers, ...JSON_TYPE }, body: i.body };
        default:
          return { method: 'DELETE', path: `/operator/cases/${i.caseId}`, headers };
      }
    },
    // listing with a genuine reading role and a well-formed query is the one 2xx a random input may earn
    accepts: (i, answer) => {
      if (i.route !== 'list') return 'no such case';
      if (!authOk(ctx, i.auth, ['operator', 'viewer'])) return `authorization ${i.auth.kind}`;
      return Array.isArray((answer.json as { cases?: unknown } | undefined)?.cases) || 'a list answer without cases';
    },
  };

  const callbacks: HttpFamily<CallbackCase> = {
    name: 'POST /callbacks/provisioning',
    arbitrary: callbackCase,
    request: (i) => callbackRequest(i, ctx.callbacks),
    // the route's 503 means "not recorded, send it again": with the database up, a body that cannot
    // be recorded would be sent again forever
    no503: 'a 503 (send again) for a callback while the database is up: the provider would retry a bad body forever',
    accepts: (i) => ctx.callbacks.acceptable(i),
    observe: (i, answer) => ctx.callbacks.answered(i, answer.status),
  };

  return [orderBodies, orderHeaders, orderRead, operator, callbacks] as HttpFamily<never>[];
}

function hostileValueLite(): fc.Arbitrary<unknown> {
  return fc.oneof(hostileString, fc.jsonValue({ maxDepth: 2 }));
}
