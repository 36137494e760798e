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
/** Compound names of secrets (paymentToken, billing_api_key, dbPassword, client-secret). */
const SECRET_SUFFIX = /(token|secret|password|passwd|apikey|privatekey)$/;
const isSecretKey = (nk: string) => SECRET_KEYS.has(nk) || SECRET_SUFFIX.test(nk);

/** `token=…`, `apiKey: …`, `"password":"…"` inside free text (query strings, error texts, dumped JSON). */
const SECRET_PAIR_IN_TEXT = /\b([a-z_-]*(?:token|secret|password|passwd|api[_-]?key)["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;)"']+)/gi;
/** Credentials of an HTTP authorization header quoted in text. */
const AUTH_SCHEME_IN_TEXT = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * 13–19 digits, optionally grouped by spaces or dashes, passing the Luhn check — standing alone:
 * digits inside a longer token (an order id like ord-85898008-9117-4901-85af-…, a UUID) are not a
 * card number, and masking them would change an identifier (seen in bench:chaos: an order id in an
 * event payload masked, the event refused).
 */
const CARD_IN_TEXT = /(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])/g;

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

/**
 * Zeebe keys (job, instance, element keys) are 16-digit numbers too: partition × 2^51 plus a
 * counter. About one in ten passes the Luhn check, and masking it would hide the very key an
 * operator searches for. A plain digit run of that shape (partition 1–64, counter below 2^40) is
 * left alone: about 0.003% of 16-digit card numbers share it (and only ungrouped ones).
 */
const PARTITION_BITS = 51n;
function engineKeyShaped(digits: string): boolean {
  if (digits.length !== 16) return false;
  const n = BigInt(digits);
  const partition = n >> PARTITION_BITS;
  return partition >= 1n && partition <= 64n && (n & ((1n << PARTITION_BITS) - 1n)) < 1n << 40n;
}

export function maskCard(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length >= 4 ? `****${digits.slice(-4)}` : REDACTED;
}

/**
 * Credential values in use (registered by the adapters when they send them): an external system
 * echoing one in free text (an error message, a plain-text body) must not carry it into a snapshot
 * or a log line. Every length is scrubbed: a value of 8 characters or more wherever it appears, a
 * shorter one where it stands as a token of its own (between non-alphanumeric characters), since
 * inside a longer word it is more likely ordinary text than the credential.
 */
const SECRET_VALUES = new Set<string>();
const SHORT_SECRET_LENGTH = 8;
let shortSecretsInText: RegExp | undefined;
export function registerSecretValues(values: Iterable<string>): void {
  let short = false;
  for (const v of values) {
    if (v.length === 0 || SECRET_VALUES.has(v)) continue;
    SECRET_VALUES.add(v);
    if (v.length < SHORT_SECRET_LENGTH) short = true;
  }
  if (short) {
    const alternatives = [...SECRET_VALUES].filter((v) => v.length < SHORT_SECRET_LENGTH).map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    shortSecretsInText = new RegExp(`(?<![A-Za-z0-9])(?:${alternatives.join('|')})(?![A-Za-z0-9])`, 'g');
  }
}

/** Masks card numbers, recognisable credentials and known credential values inside free text (messages, external error texts). */
export function redactText(text: string): string {
  for (const secret of SECRET_VALUES) if (secret.length >= SHORT_SECRET_LENGTH && text.includes(secret)) text = text.replaceAll(secret, REDACTED);
  if (shortSecretsInText) text = text.replace(shortSecretsInText, REDACTED);
  return text
    .replace(SECRET_PAIR_IN_TEXT, (_m, key: string, value: string) => (/^["']/.test(value) ? `${key}${value[0]}${REDACTED}${value[0]}` : `${key}${REDACTED}`))
    .replace(AUTH_SCHEME_IN_TEXT, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(CARD_IN_TEXT, (m) => {
      const digits = m.replace(/\D/g, '');
      if (digits === m && engineKeyShaped(digits)) return m;
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? maskCard(digits) : m;
    });
}

/** A deep copy of value with secrets and card numbers redacted. Cycles and depth are bounded. */
export function redact<T>(value: T, depth = 0): T {
  if (depth > 20) return REDACTED as T;
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1)) as T;
  if (value && typeof value === 'object') return redactEntries(value as Record<string, unknown>, (v) => redact(v, depth + 1)) as T;
  return value;
}

/**
 * The same policy for a log record's fields (see src/platform/logger.ts): errors are read as
 * {type, message, code, stack}; objects that are not plain (HTTP requests, clients) are left to the
 * logger's serializers instead of being copied field by field.
 */
export function redactLogValue(value: unknown, depth = 0): unknown {
  if (depth > 10) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactLogValue(v, depth + 1));
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return redactLogValue({ type: value.name, message: value.message, ...(code === undefined ? {} : { code }), stack: value.stack }, depth + 1);
  }
  if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return redactEntries(value as Record<string, unknown>, (v) => redactLogValue(v, depth + 1));
  }
  return value;
}

function redactEntries(value: Record<string, unknown>, inner: (v: unknown) => unknown): Record<string, unknown> {
  const entries: [string, unknown][] = [];
  for (const [k, v] of Object.entries(value)) {
    const nk = normalize(k);
    if (isSecretKey(nk)) entries.push([k, v === undefined || v === null ? v : REDACTED]);
    else if (CARD_KEYS.has(nk)) entries.push([k, typeof v === 'string' || typeof v === 'number' ? maskCard(String(v)) : REDACTED]);
    else entries.push([k, inner(v)]);
  }
  // fromEntries defines own properties: a "__proto__" key that JSON.parse kept as data stays data
  // (an assignment would set the copy's prototype, and the copy would no longer be plain JSON)
  return Object.fromEntries(entries);
}
