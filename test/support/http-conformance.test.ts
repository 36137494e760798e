// The conformance check itself: it must catch what the intake test relies on it to catch.
import { conformanceProblems, loadBundled, type RecordedAnswer } from './http-conformance.ts';

const intake = loadBundled('intake');
const operator = loadBundled('operator');
const answer = (a: Partial<Omit<RecordedAnswer, 'headers'>> & { headers?: Record<string, string> }): RecordedAnswer => ({
  method: 'GET',
  path: '/orders/ord-1',
  status: 404,
  body: { type: 'urn:fulfillment:problem:order-not-found', title: 't', status: 404, detail: 'd' },
  ...a,
  headers: new Headers(a.headers ?? { 'content-type': 'application/problem+json' }),
});

test('a documented answer conforms, also through a reference into a sibling document', () => {
  expect(conformanceProblems(intake, answer({}))).toEqual([]);
  expect(conformanceProblems(operator, answer({ path: '/operator/cases/x', status: 400 }))).toEqual([]);
});

test('an undocumented status, media type, field or missing header is reported', () => {
  expect(conformanceProblems(intake, answer({ status: 418 }))).toEqual([expect.stringMatching(/status not documented for getOrder/)]);
  expect(conformanceProblems(intake, answer({ headers: { 'content-type': 'text/html' } }))).toEqual([expect.stringMatching(/media type "text\/html" is not documented/)]);
  expect(conformanceProblems(intake, answer({ body: { type: 'x', title: 't', status: 404, detail: 'd', stack: 'at ...' } }))).toEqual([expect.stringMatching(/\$\.stack: not in the document/)]);
  expect(conformanceProblems(intake, answer({ method: 'POST', path: '/orders', status: 202, headers: { 'content-type': 'application/json' }, body: { orderId: 'o', status: 'ACCEPTED', correlationId: 'c' } }))).toEqual([expect.stringMatching(/required header Location missing/)]);
  expect(conformanceProblems(intake, answer({ method: 'DELETE' }))).toEqual([expect.stringMatching(/no documented operation/)]);
});
