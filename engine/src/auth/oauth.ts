// Optional OAuth for the engine, the way Camunda Self-Managed is usually run: an OAuth 2.0
// client-credentials token endpoint (POST /oauth/token) issuing JWTs signed with a key generated
// at start (JWKS at GET /.well-known/jwks.json), and bearer verification for the gRPC gateway and
// REST v2 (issuer, audience, expiry, signature). Client secrets are compared in constant time and
// never logged or echoed back.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SignJWT, errors, jwtVerify } from 'jose';
import { EngineError } from '../api.ts';
import { loadOrCreateSigningKey, SIGNING_ALGORITHM } from './signing-key.ts';
import { readTokenRequest } from './token-request.ts';

export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** carried in its tokens as a `roles` claim (an array), for APIs that authorise by role */
  readonly roles?: readonly string[] | undefined;
  /** the `aud` of its tokens, ahead of the engine's audience: an API client's tokens are for that API, not the engine */
  readonly audience?: string | undefined;
}

export interface OAuthOptions {
  readonly clients: readonly OAuthClient[];
  /** the `iss` of every token, checked on verification */
  readonly issuer: string;
  /** when set, every token carries it as `aud` and verification demands it; otherwise `aud` is what the client asked for, unchecked */
  readonly audience?: string | undefined;
  /** default 3600 (the orchestration-cluster-api client renews 30 s or more before expiry, so keep it well above that) */
  readonly tokenTtlSeconds?: number | undefined;
  /** PEM file holding the signing key (created when missing), so tokens outlive an engine restart; without it the key lives in memory */
  readonly signingKeyFile?: string | undefined;
  /** epoch ms; tests move it to see tokens expire */
  readonly now?: (() => number) | undefined;
}

export interface OAuth {
  /** POST /oauth/token, GET /.well-known/jwks.json and GET /.well-known/openid-configuration, outside any bearer guard */
  registerRoutes(app: FastifyInstance): void;
  /** resolves for a valid `Bearer <token>` header value; otherwise throws EngineError UNAUTHENTICATED saying why */
  authenticate(authorization: string | undefined): Promise<void>;
}

export const TOKEN_PATH = '/oauth/token';
export const JWKS_PATH = '/.well-known/jwks.json';
const DISCOVERY_PATH = '/.well-known/openid-configuration';
const FORM = 'application/x-www-form-urlencoded';

export function createOAuth(options: OAuthOptions): OAuth {
  const key = loadOrCreateSigningKey(options.signingKeyFile);
  const ttlSeconds = options.tokenTtlSeconds ?? 3600;
  const now = options.now ?? Date.now;
  const clients = new Map(options.clients.map((client) => [client.clientId, { client, secretDigest: digest(client.clientSecret) }]));

  const knownClient = (clientId: string, clientSecret: string): OAuthClient | undefined => {
    const known = clients.get(clientId);
    // digests have one length, so the comparison takes the same time whatever the secret
    const given = digest(clientSecret);
    return known !== undefined && timingSafeEqual(known.secretDigest, given) ? known.client : undefined;
  };

  const issueToken = async (client: OAuthClient, requestedAudience: string | undefined, scope: string | undefined): Promise<string> => {
    const issuedAt = Math.floor(now() / 1000);
    const audience = client.audience ?? options.audience ?? requestedAudience;
    const claims = { client_id: client.clientId, ...(scope === undefined ? {} : { scope }), ...(client.roles === undefined ? {} : { roles: [...client.roles] }) };
    const token = new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.keyId, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setSubject(client.clientId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomUUID());
    if (audience !== undefined) token.setAudience(audience);
    return token.sign(key.privateKey);
  };

  return {
    registerRoutes(app: FastifyInstance): void {
      // its own scope, so the form parser is added for these routes only
      void app.register(async (scope) => {
        if (!scope.hasContentTypeParser(FORM)) {
          scope.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
        }
        scope.post(TOKEN_PATH, async (request, reply) => {
          void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
          const read = readTokenRequest(request.body, request.headers.authorization);
          if (read.kind === 'refused') return reply.code(read.status).send({ error: read.error, error_description: read.description });
          const client = knownClient(read.clientId, read.clientSecret);
          if (client === undefined) {
            return reply.code(401).send({ error: 'invalid_client', error_description: 'Client authentication failed: unknown client_id or wrong client_secret' });
          }
          const accessToken = await issueToken(client, read.audience, read.scope);
          return reply.send({ access_token: accessToken, token_type: 'Bearer', expires_in: ttlSeconds, ...(read.scope === undefined ? {} : { scope: read.scope }) });
        });
        scope.get(JWKS_PATH, async () => ({ keys: [key.publicJwk] }));
        scope.get(DISCOVERY_PATH, async (request) => {
          const base = `${request.protocol}://${request.host}`;
          return {
            issuer: options.issuer,
            token_endpoint: `${base}${TOKEN_PATH}`,
            jwks_uri: `${base}${JWKS_PATH}`,
            grant_types_supported: ['client_credentials'],
            token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
            id_token_signing_alg_values_supported: [SIGNING_ALGORITHM],
          };
        });
      });
    },

    async authenticate(authorization: string | undefined): Promise<void> {
      if (authorization === undefined || authorization.trim() === '') {
        throw new EngineError('UNAUTHENTICATED', 'Expected a bearer token in the Authorization header, but none was given');
      }
      const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
      if (token === undefined) {
        throw new EngineError('UNAUTHENTICATED', 'Expected the Authorization header to hold "Bearer <token>", but it holds another scheme');
      }
      let subject: string | undefined;
      try {
        const { payload } = await jwtVerify(token, key.publicKey, {
          issuer: options.issuer,
          ...(options.audience === undefined ? {} : { audience: options.audience }),
          algorithms: [SIGNING_ALGORITHM],
          currentDate: new Date(now()),
          requiredClaims: ['exp', 'sub'],
        });
        subject = payload.sub;
      } catch (error) {
        throw new EngineError('UNAUTHENTICATED', rejectionReason(error));
      }
      // a client with an audience of its own gets tokens for that API, never for the engine (even
      // when the engine checks no audience)
      const otherApi = subject === undefined ? undefined : clients.get(subject)?.client.audience;
      if (otherApi !== undefined && otherApi !== options.audience) {
        throw new EngineError('UNAUTHENTICATED', `The bearer token was refused: it was issued for another API (audience ${otherApi}), not for the engine`);
      }
    },
  };
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Says why a token was refused, without echoing the token. */
function rejectionReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) {
    const expiry = typeof error.payload.exp === 'number' ? ` at ${new Date(error.payload.exp * 1000).toISOString()}` : '';
    return `The bearer token expired${expiry}; fetch a new one from the token endpoint`;
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The bearer token was refused: its "${error.claim}" claim ${error.reason === 'missing' ? 'is missing' : 'does not match'} (${error.message})`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The bearer token was refused: its signature does not verify (not issued by this engine, or altered)';
  if (error instanceof errors.JOSEAlgNotAllowed) return `The bearer token was refused: it must be signed with ${SIGNING_ALGORITHM}`;
  return 'The bearer token was refused: it is not a well-formed signed JWT';
}
