// One redaction policy for everything that is stored or logged: ledger snapshots, evidence,
// log records and events. Secrets are replaced by a marker; card numbers keep their last 4 digits.
export const REDACTED = '<redacted>';

/** Keys whose values are secrets, whatever their nesting (compared case-insensitively, ignoring - and _). */
const SECRET_KEYS = new Set(
  ['authorization', 'proxyauthorization', 'cookie', 'setcookie', 'password', 'passwd', 'secret', 'clientsecret', 'token', 'accesstoken', 'refreshtoken', 'idtoken', 'apikey', 'xapikey', 'privatekey', 'cvv', 'cvc', 'pin'].map(
    (k) => k,
  ),
);
/** Keys whose values are card numbers (masked to the last 4 digits). */
const CARD_KEYS = new Set(['cardnumber', 'pan', 'primaryaccountnumber', 'creditcard', 'cardno']);

const normalize = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

/** 13–19 digits, optionally grouped by spaces or dashes, passing the Luhn check. */
const CARD_IN_TEXT = /\b(?:\d[ -]?){12,18}\d\b/g;

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function maskCard(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length >= 4 ? `****${digits.slice(-4)}` : REDACTED;
}

/** Masks card numbers inside free text (messages, external error texts). */
export function redactText(text: string): string {
  return text.replace(CARD_IN_TEXT, (m) => {
    const digits = m.replace(/\D/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? maskCard(digits) : m;
  });
}

/** A deep copy of value with secrets and card numbers redacted. Cycles and depth are bounded. */
export function redact<T>(value: T, depth = 0): T {
  if (depth > 20) return REDACTED as T;
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const nk = normalize(k);
      if (SECRET_KEYS.has(nk)) out[k] = v === undefined || v === null ? v : REDACTED;
      else if (CARD_KEYS.has(nk)) out[k] = typeof v === 'string' || typeof v === 'number' ? maskCard(String(v)) : REDACTED;
      else out[k] = redact(v, depth + 1);
    }
    return out as T;
  }
  return value;
}
