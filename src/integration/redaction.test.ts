import { REDACTED, redact, redactText } from './redaction.ts';

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

test('the input is not modified', () => {
  const input = { password: 'x' };
  redact(input);
  expect(input.password).toBe('x');
});
