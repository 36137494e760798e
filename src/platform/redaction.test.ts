import { REDACTED, redact, redactLogValue, redactText, registerSecretValues } from './redaction.ts';

test('secrets are redacted at any depth and in any spelling', () => {
  const out = redact({
    headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'k', accept: 'json' },
    body: { credentials: { password: 'hunter2', client_secret: 's' }, amount: '10.00' },
    list: [{ accessToken: 't' }],
  });
  expect(out).toEqual({
    headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, accept: 'json' },
    body: { credentials: { password: REDACTED, client_secret: REDACTED }, amount: '10.00' },
    list: [{ accessToken: REDACTED }],
  });
});

test('card numbers keep only their last four digits, in fields and in text', () => {
  expect(redact({ cardNumber: '4111 1111 1111 1111' })).toEqual({ cardNumber: '****1111' });
  expect(redactText('declined card 4111-1111-1111-1111 for order 42')).toBe('declined card ****1111 for order 42');
});

test('digit runs that are not card numbers stay (order numbers, amounts)', () => {
  expect(redactText('order 1234567890123 amount 750000')).toBe('order 1234567890123 amount 750000');
});

test('engine keys stay readable even when they pass the card check; a card number does not hide behind them', () => {
  // both pass the Luhn check: a job key of partition 1 and an instance key of partition 2
  expect(redactText('job 2251799813685350 of instance 4503599627375509 failed')).toBe('job 2251799813685350 of instance 4503599627375509 failed');
  expect(redactLogValue({ jobKey: '2251799813685350' })).toEqual({ jobKey: '2251799813685350' });
  // a real card number, plain or grouped, is still masked
  expect(redactText('card 5555555555554444')).toBe('card ****4444');
  expect(redactText('card 2251 7998 1368 5350')).toBe('card ****5350');
});

test('digits inside an identifier are not a card number, even when they pass the card check', () => {
  // 85898008-9117-4901 passes the Luhn check
  expect(redactText('order ord-85898008-9117-4901-85af-61ba321fed61 failed')).toBe('order ord-85898008-9117-4901-85af-61ba321fed61 failed');
  expect(redact({ orderId: 'ord-85898008-9117-4901-85af-61ba321fed61' })).toEqual({ orderId: 'ord-85898008-9117-4901-85af-61ba321fed61' });
  expect(redactText('id 85898008-9117-4901-85af-61ba321fed61')).toBe('id 85898008-9117-4901-85af-61ba321fed61');
  // the same digits standing alone are
  expect(redactText('card 85898008-9117-4901.')).toBe('card ****4901.');
});

test('the input is not modified', () => {
  const input = { password: 'x' };
  redact(input);
  expect(input.password).toBe('x');
});

test('compound names of secrets are redacted too', () => {
  expect(redact({ paymentToken: 'tok_1', billing_api_key: 'k', dbPassword: 'p', 'client-secret': 's', tokenType: 'Bearer' })).toEqual({
    paymentToken: REDACTED,
    billing_api_key: REDACTED,
    dbPassword: REDACTED,
    'client-secret': REDACTED,
    tokenType: 'Bearer',
  });
});

test('log values: errors are read as plain fields, other class instances are left to the serializers', () => {
  class Request {
    readonly url = '/x';
  }
  const req = new Request();
  const err = Object.assign(new Error('card 4111111111111111 declined'), { code: 'E_CARD' });
  const out = redactLogValue({ err, req, nested: { apiKey: 'k', list: ['4111-1111-1111-1111'] } }) as Record<string, unknown>;
  expect(out.err).toMatchObject({ type: 'Error', message: 'card ****1111 declined', code: 'E_CARD' });
  expect(out.req).toBe(req);
  expect(out.nested).toEqual({ apiKey: REDACTED, list: ['****1111'] });
});

test('recognisable credentials in free text are masked: key=value pairs, quoted JSON, auth schemes', () => {
  expect(redactText('GET /charge?token=tok_live_1&amount=5')).toBe('GET /charge?token=<redacted>&amount=5');
  expect(redactText('{"password":"hunter2","user":"farm"}')).toBe('{"password":"<redacted>","user":"farm"}');
  expect(redactText('apiKey: abc123, retry later')).toBe('apiKey: <redacted>, retry later');
  expect(redactText('sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x.y')).toBe('sent Authorization: Bearer <redacted>');
  // words that only look alike stay
  expect(redactText('tokenType: Bearer, 3 tokens left')).toBe('tokenType: Bearer, 3 tokens left');
});

test('registered credential values of any length are scrubbed from free text: long ones anywhere, short ones as tokens of their own', () => {
  registerSecretValues(['k7Q', 'a-long-credential-value', '']);
  expect(redactText('upstream said: key k7Q refused; key=k7Q; (k7Q)')).toBe(`upstream said: key ${REDACTED} refused; key=${REDACTED}; (${REDACTED})`);
  // inside a longer word a short value is ordinary text, not the credential
  expect(redactText('order k7Qx and xk7Q stay')).toBe('order k7Qx and xk7Q stay');
  expect(redactText('echo:a-long-credential-value!')).toBe(`echo:${REDACTED}!`);
  // an empty value registers nothing (it would match everywhere)
  expect(redactText('nothing to hide')).toBe('nothing to hide');
});

test('a "__proto__" key read from JSON stays a plain key of a plain object', () => {
  const copy = redact(JSON.parse('{"a":1,"__proto__":{"isAdmin":true},"password":"x"}') as Record<string, unknown>);
  expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  expect(Object.keys(copy)).toEqual(['a', '__proto__', 'password']);
  expect((copy as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  expect(JSON.parse(JSON.stringify(copy))).toEqual(JSON.parse('{"a":1,"__proto__":{"isAdmin":true},"password":"<redacted>"}'));
});
