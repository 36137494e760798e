// Test support: a SystemHttpClient with small timeouts and a known secret, for adapter tests.
import type { ExternalSystem } from '../../../core/ports/external-result.ts';
import { SystemHttpClient, type SystemClientOptions } from '../system-client.ts';

/** The credential every test client sends; it must never show up in an exchange snapshot. */
export const TEST_SECRET = 'test-secret-4f1c9a';

export const TEST_TIMEOUTS = { connectTimeoutMs: 200, responseTimeoutMs: 150 } as const;

export function testClient(system: ExternalSystem, baseUrl: string, overrides: Partial<SystemClientOptions> = {}): SystemHttpClient {
  return new SystemHttpClient({ system, baseUrl, credentials: () => ({ authorization: `Bearer ${TEST_SECRET}` }), ...TEST_TIMEOUTS, ...overrides });
}
