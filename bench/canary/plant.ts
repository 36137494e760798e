// The canary: one distinctive value per run, planted in every credential setting (each credential
// is the canary plus the setting's own ending, so a hit names the credential it came from), and the
// forms a leak could take: the value itself, base64 and base64url (at every alignment, so a value
// inside a longer encoded text is found too, e.g. an HTTP Basic header), URL-encoded, hex.
import { randomBytes } from 'node:crypto';

export interface Canary {
  /** the part every planted value shares */
  readonly core: string;
  /** setting name → planted value */
  readonly settings: Readonly<Record<string, string>>;
  /** what is searched for: each text with what it is */
  readonly patterns: readonly { readonly text: string; readonly form: string }[];
}

export const CREDENTIAL_SETTINGS = ['CRM_API_KEY', 'INVENTORY_TOKEN', 'PROVISIONING_PASSWORD', 'BILLING_TOKEN', 'NOTIFICATION_API_KEY', 'PROVISIONING_SIGNING_SECRETS', 'ZEEBE_CLIENT_SECRET', 'CAMUNDA_BASIC_AUTH_PASSWORD'] as const;

export function makeCanary(extra: Readonly<Record<string, string>> = {}): Canary {
  const core = `CNRY${randomBytes(6).toString('hex')}`;
  const settings: Record<string, string> = {};
  for (const name of CREDENTIAL_SETTINGS) settings[name] = `${core}${name.replace(/_/g, '').toLowerCase()}`;
  Object.assign(settings, extra);
  const patterns = new Map<string, string>();
  const add = (text: string, form: string) => {
    if (text.length >= 8 && !patterns.has(text)) patterns.set(text, form);
  };
  add(core, 'the canary');
  for (const [name, value] of Object.entries(settings)) {
    for (const [form, text] of Object.entries(encodings(value))) add(text, `${name} ${form}`);
  }
  // what the provisioning adapter sends: HTTP Basic of user:password
  for (const [form, text] of Object.entries(encodings(`farm:${settings.PROVISIONING_PASSWORD}`))) add(text, `PROVISIONING basic credentials ${form}`);
  return { core, settings, patterns: [...patterns].map(([text, form]) => ({ text, form })) };
}

function encodings(value: string): Record<string, string> {
  const forms: Record<string, string> = { plain: value, 'url-encoded': encodeURIComponent(value), hex: Buffer.from(value).toString('hex') };
  for (let offset = 0; offset < 3; offset++) {
    forms[`base64@${offset}`] = base64Fragment(value, offset, 'base64');
    forms[`base64url@${offset}`] = base64Fragment(value, offset, 'base64url');
  }
  return forms;
}

/**
 * The base64 text that encodes `value` wherever it starts `offset` bytes past a 3-byte boundary of
 * the encoded whole: only the characters that depend on the value's bytes alone.
 */
function base64Fragment(value: string, offset: number, alphabet: 'base64' | 'base64url'): string {
  const bytes = Buffer.concat([Buffer.alloc(offset), Buffer.from(value)]);
  const encoded = bytes.toString(alphabet);
  const from = Math.ceil(offset / 3) * 4;
  const to = Math.floor(bytes.length / 3) * 4;
  return encoded.slice(from, to);
}

/** The patterns found in a text. */
export function hitsIn(text: string, canary: Canary): { readonly text: string; readonly form: string }[] {
  return canary.patterns.filter((p) => text.includes(p.text));
}
