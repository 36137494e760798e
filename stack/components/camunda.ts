// The Camunda 8 orchestration cluster from the distribution archive on Maven Central
// (io.camunda:camunda-zeebe:<version>:tar.gz): broker + gateway (gRPC, REST v2), Operate and
// Tasklist in one JVM started with bin/camunda, exporting to the stack's OpenSearch.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Component } from '../component.ts';
import { copyArtifact } from '../maven.ts';
import { findJdk } from '../prereq.ts';
import { assertPortsFree, runningPid, startDetached, stopRecorded, waitFor } from '../proc.ts';
import { VERSIONS, type StackSettings } from '../settings.ts';

const paths = (s: StackSettings) => {
  const dir = path.join(s.dir, 'camunda');
  const archive = path.join(s.cacheDir, `camunda-zeebe-${VERSIONS.camunda}.tar.gz`);
  const home = path.join(s.cacheDir, `camunda-zeebe-${VERSIONS.camunda}`);
  return { dir, archive, home, data: path.join(dir, 'data'), log: path.join(dir, 'logs', 'camunda.log'), pid: path.join(dir, 'pid') };
};

const http = (s: StackSettings) => `http://127.0.0.1:${s.ports.camundaHttp}`;
const mgmt = (s: StackSettings) => `http://127.0.0.1:${s.ports.camundaManagement}`;

/**
 * The cluster's settings as environment variables (Spring relaxed binding). docker-compose.camunda.yml
 * uses the same names, so a setting means the same thing in both places.
 */
export function camundaEnvironment(s: StackSettings): Record<string, string> {
  const p = paths(s);
  const storage = `http://127.0.0.1:${s.ports.opensearch}`;
  const gateway = `127.0.0.1:${s.ports.camundaGrpc}`;
  return {
    // the stack.dir property only marks the process as this stack's, for `stack:down`'s final check
    JAVA_OPTS: `-Xms${s.heap.camunda} -Xmx${s.heap.camunda} -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Dfulfillment.stack.dir=${s.dir}`,
    SERVER_ADDRESS: '127.0.0.1',
    SERVER_PORT: String(s.ports.camundaHttp),
    MANAGEMENT_SERVER_ADDRESS: '127.0.0.1',
    MANAGEMENT_SERVER_PORT: String(s.ports.camundaManagement),
    // broker + embedded gateway
    ZEEBE_BROKER_NETWORK_HOST: '127.0.0.1',
    ZEEBE_BROKER_NETWORK_COMMANDAPI_PORT: String(s.ports.camundaCommand),
    ZEEBE_BROKER_NETWORK_INTERNALAPI_PORT: String(s.ports.camundaInternal),
    ZEEBE_BROKER_GATEWAY_ENABLE: 'true',
    ZEEBE_BROKER_GATEWAY_NETWORK_HOST: '127.0.0.1',
    ZEEBE_BROKER_GATEWAY_NETWORK_PORT: String(s.ports.camundaGrpc),
    ZEEBE_BROKER_DATA_DIRECTORY: p.data,
    ZEEBE_BROKER_CLUSTER_PARTITIONSCOUNT: process.env.STACK_CAMUNDA_PARTITIONS ?? '2',
    ZEEBE_BROKER_THREADS_CPUTHREADCOUNT: '2',
    ZEEBE_BROKER_THREADS_IOTHREADCOUNT: '2',
    // Tests pin or move the engine clock through the management endpoint (/actuator/clock).
    ZEEBE_CLOCK_CONTROLLED: 'true',
    // secondary storage: the Zeebe OpenSearch exporter feeds Operate's and Tasklist's importers
    ZEEBE_BROKER_EXPORTERS_OPENSEARCH_CLASSNAME: 'io.camunda.zeebe.exporter.opensearch.OpensearchExporter',
    ZEEBE_BROKER_EXPORTERS_OPENSEARCH_ARGS_URL: storage,
    ZEEBE_BROKER_EXPORTERS_OPENSEARCH_ARGS_INDEX_PREFIX: 'zeebe-record',
    ZEEBE_BROKER_EXPORTERS_OPENSEARCH_ARGS_INDEX_NUMBEROFSHARDS: '1',
    ZEEBE_BROKER_EXPORTERS_OPENSEARCH_ARGS_INDEX_NUMBEROFREPLICAS: '0',
    ZEEBE_BROKER_EXPORTERS_OPENSEARCH_ARGS_BULK_DELAY: '1',
    ZEEBE_BROKER_EXPORTERS_OPENSEARCH_ARGS_BULK_SIZE: '200',
    // 8.6 serves the v2 search endpoints (process instances, element instances, incidents, user
    // tasks, ...) only when asked to; they read the same indices Operate and Tasklist fill.
    CAMUNDA_REST_QUERY_ENABLED: 'true',
    CAMUNDA_DATABASE_TYPE: 'opensearch',
    CAMUNDA_DATABASE_URL: storage,
    CAMUNDA_OPERATE_DATABASE: 'opensearch',
    CAMUNDA_OPERATE_OPENSEARCH_URL: storage,
    CAMUNDA_OPERATE_OPENSEARCH_NUMBEROFSHARDS: '1',
    CAMUNDA_OPERATE_OPENSEARCH_NUMBEROFREPLICAS: '0',
    CAMUNDA_OPERATE_ZEEBEOPENSEARCH_URL: storage,
    CAMUNDA_OPERATE_ZEEBEOPENSEARCH_PREFIX: 'zeebe-record',
    CAMUNDA_OPERATE_ZEEBE_GATEWAYADDRESS: gateway,
    CAMUNDA_OPERATE_IMPORTER_READERBACKOFF: '500',
    CAMUNDA_OPERATE_IMPORTER_SCHEDULERBACKOFF: '500',
    // The archiver's retention policies need OpenSearch's index-management plugin, which a dev
    // node does without; a throwaway stack keeps its instances in the main indices.
    CAMUNDA_OPERATE_ARCHIVERENABLED: 'false',
    CAMUNDA_TASKLIST_DATABASE: 'opensearch',
    CAMUNDA_TASKLIST_OPENSEARCH_URL: storage,
    CAMUNDA_TASKLIST_OPENSEARCH_NUMBEROFSHARDS: '1',
    CAMUNDA_TASKLIST_OPENSEARCH_NUMBEROFREPLICAS: '0',
    CAMUNDA_TASKLIST_ZEEBEOPENSEARCH_URL: storage,
    CAMUNDA_TASKLIST_ZEEBEOPENSEARCH_PREFIX: 'zeebe-record',
    CAMUNDA_TASKLIST_ZEEBE_GATEWAYADDRESS: gateway,
    CAMUNDA_TASKLIST_ZEEBE_RESTADDRESS: http(s),
    CAMUNDA_TASKLIST_IMPORTER_READERBACKOFF: '500',
    CAMUNDA_TASKLIST_IMPORTER_SCHEDULERBACKOFF: '500',
    CAMUNDA_TASKLIST_ARCHIVERENABLED: 'false',
  };
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000), headers });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** Session cookie of the local login; REST v2, Operate and Tasklist sit behind it. */
async function login(s: StackSettings): Promise<Record<string, string>> {
  const form = new URLSearchParams({ username: s.config.CAMUNDA_COOKIE_AUTH_USERNAME, password: s.config.CAMUNDA_COOKIE_AUTH_PASSWORD });
  const res = await fetch(`${http(s)}/api/login?${form}`, { method: 'POST', signal: AbortSignal.timeout(3_000) });
  if (res.status !== 204 && res.status !== 200) throw new Error(`login: HTTP ${res.status}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie: cookies };
}

interface Topology {
  gatewayVersion?: string;
  brokers?: { partitions?: { partitionId: number; role: string; health: string }[] }[];
}

async function topology(s: StackSettings): Promise<Topology> {
  return (await getJson(`${http(s)}/v2/topology`, await login(s))) as Topology;
}

async function ready(s: StackSettings): Promise<boolean> {
  const readiness = (await getJson(`${mgmt(s)}/actuator/health/readiness`)) as { status?: string };
  if (readiness.status !== 'UP') return false;
  const t = await topology(s);
  const partitions = t.brokers?.flatMap((b) => b.partitions ?? []) ?? [];
  if (partitions.length === 0 || !partitions.every((p) => p.health === 'healthy')) return false;
  // The web apps answer once their schema is in the secondary storage.
  for (const app of ['operate', 'tasklist']) {
    const res = await fetch(`${http(s)}/${app}/login`, { signal: AbortSignal.timeout(3_000), redirect: 'manual' });
    if (res.status >= 500 || res.status === 404) return false;
  }
  return true;
}

export const camunda: Component = {
  name: 'camunda',
  async fetch(s) {
    const p = paths(s);
    if (existsSync(path.join(p.home, 'bin', 'camunda'))) return;
    if (!existsSync(p.archive)) {
      console.log(`  fetching io.camunda:camunda-zeebe:${VERSIONS.camunda}:tar.gz with mvn into ${s.cacheDir} (~300 MB, once)`);
      copyArtifact(`io.camunda:camunda-zeebe:${VERSIONS.camunda}:tar.gz`, s.cacheDir);
    }
    console.log(`  unpacking ${path.basename(p.archive)}`);
    execFileSync('tar', ['xzf', p.archive, '-C', s.cacheDir]);
  },
  async up(s) {
    const p = paths(s);
    await this.fetch(s);
    if (runningPid(p.pid) === undefined) {
      await assertPortsFree('camunda', {
        ZEEBE_REST_ADDRESS: s.ports.camundaHttp,
        ZEEBE_GRPC_ADDRESS: s.ports.camundaGrpc,
        CAMUNDA_MANAGEMENT_ADDRESS: s.ports.camundaManagement,
        STACK_CAMUNDA_COMMAND_PORT: s.ports.camundaCommand,
        STACK_CAMUNDA_INTERNAL_PORT: s.ports.camundaInternal,
      });
      mkdirSync(p.data, { recursive: true });
      startDetached({
        command: path.join(p.home, 'bin', 'camunda'),
        args: [],
        cwd: p.dir,
        env: { ...camundaEnvironment(s), JAVA_HOME: findJdk(21, 25, 'Camunda 8') },
        logFile: p.log,
        pidFile: p.pid,
      });
    }
    await waitFor('camunda (readiness, healthy partitions, Operate and Tasklist)', () => ready(s), 300_000, p.log, p.pid);
  },
  async down(s) {
    return stopRecorded(paths(s).pid, { graceMs: 60_000 });
  },
  async status(s) {
    const pid = runningPid(paths(s).pid);
    if (pid === undefined) return { running: false, ready: false, detail: 'stopped' };
    const ok = await ready(s).catch(() => false);
    return { running: true, ready: ok, detail: `pid ${pid}, gRPC :${s.ports.camundaGrpc}, REST/Operate/Tasklist :${s.ports.camundaHttp}, management :${s.ports.camundaManagement}` };
  },
  async version(s) {
    const t = await topology(s);
    return `Camunda ${t.gatewayVersion ?? '?'} (distribution io.camunda:camunda-zeebe:${VERSIONS.camunda})`;
  },
};
