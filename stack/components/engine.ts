// The project's own open-source engine (engine/, Zeebe gateway gRPC + REST API v2), run as a
// detached child of the project's Node: `node engine/src/cli.ts`. Its journal lives under the stack
// folder, so a restart of the stack (or a kill -9 of the engine) keeps every instance, job, timer
// and message. Nothing is fetched: the engine is this repository's code.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ENGINE_NODE_FLAGS } from '../../engine/src/node-flags.ts';
import type { Component } from '../component.ts';
import { MissingPrerequisite } from '../prereq.ts';
import { assertPortsFree, runningPid, startDetached, stopRecorded, waitFor } from '../proc.ts';
import type { StackSettings } from '../settings.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'engine', 'src', 'cli.ts');

const paths = (s: StackSettings) => {
  const dir = path.join(s.dir, 'engine');
  return { dir, data: path.join(dir, 'data'), log: path.join(dir, 'logs', 'engine.log'), pid: path.join(dir, 'pid') };
};

/** The project's Node 24 (the `node` dev dependency), else the Node running the stack script. */
function projectNode(): string {
  const pinned = path.join(root, 'node_modules', 'node', 'bin', 'node');
  return existsSync(pinned) ? pinned : process.execPath;
}

const restBase = (s: StackSettings) => `http://127.0.0.1:${s.ports.engineRest}`;

/** Whether the configured token endpoint is this engine's own (http://127.0.0.1:<rest port>/oauth/token). */
function ownTokenEndpoint(s: StackSettings, tokenUrl: string | undefined): boolean {
  if (!tokenUrl) return false;
  const url = new URL(tokenUrl);
  return ['127.0.0.1', 'localhost'].includes(url.hostname) && Number(url.port) === s.ports.engineRest;
}

/**
 * The engine's settings as environment variables (engine/src/cli.ts reads them);
 * docker-compose.camunda.yml sets the same names for its engine service (stack/compose.test.ts).
 * With CAMUNDA_AUTH_STRATEGY=OAUTH and CAMUNDA_OAUTH_URL on the engine itself, the engine requires
 * bearer tokens and serves the token endpoint, for the client the farm is configured with
 * (ZEEBE_CLIENT_ID / ZEEBE_CLIENT_SECRET); a token URL elsewhere (SaaS) leaves the engine open.
 * Either way the engine issues the intake/operator APIs' tokens to the stack's API clients.
 */
export function engineEnvironment(s: StackSettings): Record<string, string> {
  const { config } = s;
  const oauth =
    config.CAMUNDA_AUTH_STRATEGY === 'OAUTH' && ownTokenEndpoint(s, config.CAMUNDA_OAUTH_URL) && config.ZEEBE_CLIENT_ID && config.ZEEBE_CLIENT_SECRET
      ? {
          ENGINE_OAUTH_CLIENT_ID: config.ZEEBE_CLIENT_ID,
          ENGINE_OAUTH_CLIENT_SECRET: config.ZEEBE_CLIENT_SECRET,
          ...((config.ZEEBE_TOKEN_AUDIENCE ?? config.CAMUNDA_TOKEN_AUDIENCE) ? { ENGINE_OAUTH_AUDIENCE: (config.ZEEBE_TOKEN_AUDIENCE ?? config.CAMUNDA_TOKEN_AUDIENCE) as string } : {}),
        }
      : {};
  // the fulfillment APIs' development clients, always: without the farm's client the engine is
  // their token issuer only and gRPC/REST stay open (CAMUNDA_AUTH_STRATEGY=NONE)
  const apiClients = s.apiClients.map((client) => ({ clientId: client.clientId, clientSecret: client.clientSecret, roles: [client.role], audience: config.API_TOKEN_AUDIENCE }));
  return {
    ENGINE_HOST: '127.0.0.1',
    ENGINE_GRPC_PORT: String(s.ports.engineGrpc),
    ENGINE_REST_PORT: String(s.ports.engineRest),
    ENGINE_DATA_DIR: paths(s).data,
    ENGINE_OAUTH_API_CLIENTS: JSON.stringify(apiClients),
    ...oauth,
  };
}

async function bearer(s: StackSettings): Promise<Record<string, string>> {
  const { config } = s;
  if (config.CAMUNDA_AUTH_STRATEGY !== 'OAUTH' || !config.CAMUNDA_OAUTH_URL || !config.ZEEBE_CLIENT_ID || !config.ZEEBE_CLIENT_SECRET) return {};
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: config.ZEEBE_CLIENT_ID, client_secret: config.ZEEBE_CLIENT_SECRET });
  const res = await fetch(config.CAMUNDA_OAUTH_URL, { method: 'POST', body: form, signal: AbortSignal.timeout(3_000) });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  const { access_token: token } = (await res.json()) as { access_token?: string };
  return token ? { authorization: `Bearer ${token}` } : {};
}

interface Topology {
  gatewayVersion?: string;
  brokers?: { partitions?: { health?: string }[] }[];
}

async function topology(s: StackSettings): Promise<Topology> {
  const res = await fetch(`${restBase(s)}/v2/topology`, { headers: await bearer(s), signal: AbortSignal.timeout(3_000) });
  if (res.status !== 200) throw new Error(`/v2/topology: HTTP ${res.status}`);
  return (await res.json()) as Topology;
}

/** Ready: the topology answers with a healthy partition, and /v2/status (where served) says 204. */
async function ready(s: StackSettings): Promise<boolean> {
  const t = await topology(s);
  const partitions = t.brokers?.flatMap((b) => b.partitions ?? []) ?? [];
  if (partitions.length === 0 || !partitions.every((p) => p.health === undefined || p.health === 'healthy')) return false;
  const status = await fetch(`${restBase(s)}/v2/status`, { signal: AbortSignal.timeout(3_000) });
  return status.status === 204 || status.status === 404;
}

export const engine: Component = {
  name: 'engine',
  async fetch() {
    if (!existsSync(cli)) throw new MissingPrerequisite(`the engine's entry point ${path.relative(root, cli)} is missing (engine/ is part of this repository: check out the whole tree)`);
  },
  async up(s) {
    const p = paths(s);
    await this.fetch(s);
    if (runningPid(p.pid) === undefined) {
      await assertPortsFree('engine', { ZEEBE_GRPC_ADDRESS: s.ports.engineGrpc, ZEEBE_REST_ADDRESS: s.ports.engineRest });
      mkdirSync(p.data, { recursive: true });
      startDetached({ command: projectNode(), args: [...ENGINE_NODE_FLAGS, cli], cwd: root, env: engineEnvironment(s), logFile: p.log, pidFile: p.pid });
    }
    await waitFor('engine (REST /v2/topology)', () => ready(s), 60_000, p.log, p.pid);
  },
  async down(s) {
    // SIGTERM: the engine answers what it acknowledged, flushes its journal and exits
    return stopRecorded(paths(s).pid, { graceMs: 15_000 });
  },
  async status(s) {
    const pid = runningPid(paths(s).pid);
    if (pid === undefined) return { running: false, ready: false, detail: 'stopped' };
    const ok = await ready(s).catch(() => false);
    return { running: true, ready: ok, detail: `pid ${pid}, gRPC :${s.ports.engineGrpc}, REST v2 :${s.ports.engineRest}, data ${paths(s).data}` };
  },
  async version(s) {
    const t = await topology(s);
    return `engine ${t.gatewayVersion ?? '?'} (this repository's engine/, Zeebe gateway gRPC + REST API v2)`;
  },
};
