// `npm run engine`: flags and environment read into startEngine's options, and the process itself
// logging one line per address and stopping cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { optionsFrom } from '../../src/cli.ts';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli.ts');

describe('engine CLI options', () => {
  it('defaults to the Camunda ports, memory only, OAuth off', () => {
    expect(optionsFrom([], {})).toMatchObject({ grpcPort: 26500, restPort: 8080, host: '0.0.0.0', dataDir: undefined, oauth: undefined, help: false });
  });

  it('reads the environment, and flags win over it', () => {
    const env = { ENGINE_GRPC_PORT: '26600', ENGINE_REST_PORT: '8090', ENGINE_HOST: '127.0.0.1', ENGINE_DATA_DIR: '/tmp/engine', ENGINE_OAUTH: 'on', ENGINE_OAUTH_CLIENT_ID: 'farm', ENGINE_OAUTH_CLIENT_SECRET: 's3' };
    expect(optionsFrom([], env)).toMatchObject({ grpcPort: 26600, restPort: 8090, host: '127.0.0.1', dataDir: '/tmp/engine', oauth: { clients: [{ clientId: 'farm', clientSecret: 's3' }] } });
    expect(optionsFrom(['--grpc-port', '0', '--oauth', 'off'], env)).toMatchObject({ grpcPort: 0, oauth: undefined });
  });

  it('turns OAuth on when the stack gives a client and an audience without ENGINE_OAUTH', () => {
    const env = { ENGINE_OAUTH_CLIENT_ID: 'farm', ENGINE_OAUTH_CLIENT_SECRET: 's3', ENGINE_OAUTH_AUDIENCE: 'zeebe-api' };
    expect(optionsFrom([], env).oauth).toEqual({ clients: [{ clientId: 'farm', clientSecret: 's3' }], audience: 'zeebe-api' });
    expect(optionsFrom([], { ...env, ENGINE_OAUTH: 'off' }).oauth).toBeUndefined();
    expect(optionsFrom([], { ENGINE_OAUTH_CLIENT_ID: 'farm' }).oauth).toBeUndefined();
  });

  it('makes the engine an issuer only for API clients given alone, and adds them to the farm client', () => {
    const apiClients = JSON.stringify([{ clientId: 'intake', clientSecret: 'intake-secret', roles: ['intake'], audience: 'fulfillment-api' }]);
    expect(optionsFrom([], { ENGINE_OAUTH_API_CLIENTS: apiClients }).oauth).toEqual({
      clients: [{ clientId: 'intake', clientSecret: 'intake-secret', roles: ['intake'], audience: 'fulfillment-api' }],
      requireTokens: false,
    });
    const both = optionsFrom([], { ENGINE_OAUTH_API_CLIENTS: apiClients, ENGINE_OAUTH_CLIENT_ID: 'farm', ENGINE_OAUTH_CLIENT_SECRET: 's3' }).oauth;
    expect(both?.clients.map((c) => c.clientId)).toEqual(['farm', 'intake']);
    expect(both?.requireTokens).toBeUndefined();
    expect(optionsFrom(['--oauth', 'issuer'], { ENGINE_OAUTH_CLIENT_ID: 'farm', ENGINE_OAUTH_CLIENT_SECRET: 's3' }).oauth?.requireTokens).toBe(false);
    expect(() => optionsFrom([], { ENGINE_OAUTH_API_CLIENTS: '[{"clientId":"x"}]' })).toThrow(/ENGINE_OAUTH_API_CLIENTS is invalid: 0.clientSecret/);
    expect(() => optionsFrom([], { ENGINE_OAUTH_API_CLIENTS: 'nope' })).toThrow(/not JSON/);
  });

  it('refuses a bad port or on/off value, naming it', () => {
    expect(() => optionsFrom(['--rest-port', 'eighty'], {})).toThrow(/--rest-port/);
    expect(() => optionsFrom([], { ENGINE_OAUTH: 'maybe' })).toThrow(/ENGINE_OAUTH/);
  });
});

describe('engine CLI process', () => {
  it('logs its addresses, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, '--grpc-port', '0', '--rest-port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!output.includes('engine ready') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output).toContain('gRPC gateway listening on grpc://127.0.0.1:');
    const restAddress = /REST API v2 listening on (http:\/\/[\d.:]+)/.exec(output)?.[1];
    expect(restAddress).toBeDefined();
    expect((await fetch(`${restAddress}/v2/topology`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
  });
});
