// Reads an OAuth 2.0 client-credentials token request (RFC 6749 §4.4) the way the SDKs send it:
// a form-encoded body with grant_type, client_id, client_secret and audience; client_secret_basic
// (credentials in an HTTP Basic header) is accepted too.

export interface ClientCredentialsRequest {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly audience: string | undefined;
  readonly scope: string | undefined;
}

/** error codes from RFC 6749 §5.2 */
export type TokenRequestRefusal = {
  readonly kind: 'refused';
  readonly status: 400 | 401;
  readonly error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';
  readonly description: string;
};

export type TokenRequestRead = ({ readonly kind: 'client-credentials' } & ClientCredentialsRequest) | TokenRequestRefusal;

export function readTokenRequest(body: unknown, authorization: string | undefined): TokenRequestRead {
  const fields = formFields(body);
  const grantType = fields.get('grant_type');
  if (grantType === undefined) return refused(400, 'invalid_request', 'Expected a grant_type parameter, but none was given');
  if (grantType !== 'client_credentials') return refused(400, 'unsupported_grant_type', `Expected grant_type client_credentials, but got ${grantType}`);

  const basic = basicCredentials(authorization);
  const clientId = basic?.clientId ?? fields.get('client_id');
  const clientSecret = basic?.clientSecret ?? fields.get('client_secret');
  if (clientId === undefined || clientSecret === undefined) {
    return refused(401, 'invalid_client', 'Expected client_id and client_secret (form parameters or HTTP Basic), but they were not given');
  }
  return { kind: 'client-credentials', clientId, clientSecret, audience: nonEmpty(fields.get('audience')), scope: nonEmpty(fields.get('scope')) };
}

const refused = (status: 400 | 401, error: TokenRequestRefusal['error'], description: string): TokenRequestRefusal => ({ kind: 'refused', status, error, description });

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/** The body as parsed by our form parser, a JSON parser, or left as a string by another parser. */
function formFields(body: unknown): Map<string, string> {
  if (typeof body === 'string') return new Map(new URLSearchParams(body));
  if (body instanceof URLSearchParams) return new Map(body);
  const fields = new Map<string, string>();
  if (typeof body === 'object' && body !== null) {
    for (const [name, value] of Object.entries(body)) if (typeof value === 'string') fields.set(name, value);
  }
  return fields;
}

function basicCredentials(authorization: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both halves are form-urlencoded before they are joined
  const clientId = formDecoded(decoded.slice(0, colon));
  const clientSecret = formDecoded(decoded.slice(colon + 1));
  return clientId === undefined || clientSecret === undefined ? undefined : { clientId, clientSecret };
}

function formDecoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
