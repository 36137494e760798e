// The engine as `npm run engine` runs it (a child process with ENGINE_DATA_DIR), killed with
// SIGKILL while SDK clients create instances and complete jobs, then restarted on the same
// directory: every instance whose creation was acknowledged is there, every acknowledged job
// completion stays done (its job is never handed out again), and the rest still runs to the end.
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../src/cli.ts');
const snapshottingChild = path.join(here, 'engine-child.ts');

/** how each variant starts the engine on a data directory */
const variants: readonly (readonly [string, (dataDir: string) => { args: string[]; env: NodeJS.ProcessEnv }, { snapshots: boolean }])[] = [
  [
    'npm run engine (cli.ts, ENGINE_DATA_DIR)',
    (dataDir) => ({ args: [cli, '--grpc-port', '0', '--rest-port', '0', '--host', '127.0.0.1', '--log-level', 'info'], env: { ENGINE_DATA_DIR: dataDir } }),
    { snapshots: false },
  ],
  ['startEngine with a snapshot every 50 commands', (dataDir) => ({ args: [snapshottingChild, dataDir, '50'], env: {} }), { snapshots: true }],
];
const PROCESS_ID = 'kill-restart';
const JOB_TYPE = 'kill-restart.work';
const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="kill-restart-definitions" targetNamespace="http://example.com/kill-restart">
  <bpmn:process id="${PROCESS_ID}" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>ToWork</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="ToWork" sourceRef="Start" targetRef="Work" />
    <bpmn:serviceTask id="Work"><bpmn:extensionElements><zeebe:taskDefinition type="${JOB_TYPE}" /></bpmn:extensionElements><bpmn:incoming>ToWork</bpmn:incoming><bpmn:outgoing>ToEnd</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="ToEnd" sourceRef="Work" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>ToEnd</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
/** jobs activated before the kill come back this long after their activation */
const JOB_TIMEOUT_MS = 2_000;

interface EngineProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly grpcAddress: string;
  readonly restAddress: string;
  readonly output: string[];
}

/** Starts the engine process on free ports and waits for its "engine ready" log line. */
async function startEngineProcess(command: { args: string[]; env: NodeJS.ProcessEnv }): Promise<EngineProcess> {
  const child = spawn(process.execPath, command.args, { env: { ...process.env, ...command.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let grpcAddress: string | undefined;
  let restAddress: string | undefined;
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        const record = JSON.parse(line) as { msg?: string; address?: string };
        if (record.msg?.startsWith('gRPC gateway listening')) grpcAddress = record.address;
        if (record.msg?.startsWith('REST API v2 listening')) restAddress = record.address;
        if (record.msg === 'engine ready') resolve();
      }
    });
    child.on('exit', (code, signal) => reject(new Error(`engine exited before it was ready (${code ?? signal}):\n${output.join('\n')}`)));
  });
  if (grpcAddress === undefined || restAddress === undefined) throw new Error(`engine logged no addresses:\n${output.join('\n')}`);
  return { child, grpcAddress, restAddress, output };
}

async function kill9(engine: EngineProcess): Promise<void> {
  const exited = new Promise((resolve) => engine.child.once('exit', resolve));
  engine.child.kill('SIGKILL');
  await exited;
}

const clientFor = (engine: EngineProcess): ZeebeGrpcClient =>
  new ZeebeGrpcClient({
    config: {
      ZEEBE_GRPC_ADDRESS: engine.grpcAddress,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_LOG_LEVEL: 'none',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false },
    },
  });

async function instanceState(engine: EngineProcess, processInstanceKey: string): Promise<string> {
  const response = await fetch(`${engine.restAddress}/v2/process-instances/${processInstanceKey}`);
  if (response.status === 404) return 'MISSING';
  const body = (await response.json()) as { state?: string };
  return body.state ?? `HTTP ${response.status}`;
}

describe.each(variants)('engine killed with SIGKILL under load and restarted on its data directory: %s', (_variant, engineCommand, expected) => {
  let dataDir: string;
  const started: EngineProcess[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'engine-kill-restart-'));
  });
  afterAll(async () => {
    for (const engine of started) if (engine.child.exitCode === null && engine.child.signalCode === null) engine.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged instance and job completion', async () => {
    const first = await startEngineProcess(engineCommand(dataDir));
    started.push(first);
    const zeebe = clientFor(first);
    await zeebe.deployResource({ process: Buffer.from(BPMN), name: `${PROCESS_ID}.bpmn` });

    const created = new Set<string>();
    const completed = new Set<string>();
    let killed = false;
    const creator = async (): Promise<void> => {
      while (!killed) {
        try {
          const instance = await zeebe.createProcessInstance({ bpmnProcessId: PROCESS_ID, variables: { createdBy: 'kill-restart' } });
          if (!killed) created.add(String(instance.processInstanceKey));
        } catch {
          return;
        }
      }
    };
    const worker = async (): Promise<void> => {
      while (!killed) {
        try {
          const jobs = await zeebe.activateJobs({ type: JOB_TYPE, worker: 'kill-restart', maxJobsToActivate: 16, timeout: JOB_TIMEOUT_MS, requestTimeout: 500 });
          await Promise.all(
            jobs.map(async (job) => {
              await zeebe.completeJob({ jobKey: job.key, variables: { done: true } });
              if (!killed) completed.add(String(job.processInstanceKey));
            }),
          );
        } catch {
          return;
        }
      }
    };
    const load = [...Array.from({ length: 8 }, creator), ...Array.from({ length: 2 }, worker)];

    // kill once the load is well under way, in the middle of it
    const deadline = Date.now() + 20_000;
    while ((created.size < 400 || completed.size < 100) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    killed = true;
    // an answer that reaches us after this point may or may not be counted: the sets are frozen now
    const acknowledgedCreated = new Set(created);
    const acknowledgedCompleted = new Set(completed);
    await kill9(first);
    await Promise.all(load);
    await zeebe.close(1_000).catch(() => undefined);
    expect(acknowledgedCreated.size).toBeGreaterThan(0);
    expect(acknowledgedCompleted.size).toBeGreaterThan(0);

    // the restart really recovers from a snapshot in the snapshotting variant
    expect((await readdir(dataDir)).some((name) => name.startsWith('snapshot-'))).toBe(expected.snapshots);
    const second = await startEngineProcess(engineCommand(dataDir));
    started.push(second);
    const missing: string[] = [];
    const reopened: string[] = [];
    for (const key of acknowledgedCreated) {
      const state = await instanceState(second, key);
      if (state === 'MISSING') missing.push(key);
      if (acknowledgedCompleted.has(key) && state !== 'COMPLETED') reopened.push(`${key}: ${state}`);
    }
    expect({ missing, reopened }).toEqual({ missing: [], reopened: [] });

    // the rest runs to the end; no job whose completion was acknowledged is handed out again
    const after = clientFor(second);
    const handedOutAgain: string[] = [];
    const open = (): string[] => [...acknowledgedCreated].filter((key) => !acknowledgedCompleted.has(key));
    const finishDeadline = Date.now() + 30_000;
    let unfinished = open();
    while (unfinished.length > 0 && Date.now() < finishDeadline) {
      const jobs = await after.activateJobs({ type: JOB_TYPE, worker: 'after-restart', maxJobsToActivate: 100, timeout: 60_000, requestTimeout: 1_000 });
      for (const job of jobs) {
        if (acknowledgedCompleted.has(String(job.processInstanceKey))) handedOutAgain.push(String(job.processInstanceKey));
        await after.completeJob({ jobKey: job.key, variables: { done: true } });
      }
      const states = await Promise.all(unfinished.map(async (key) => [key, await instanceState(second, key)] as const));
      unfinished = states.filter(([, state]) => state !== 'COMPLETED').map(([key]) => key);
    }
    await after.close(1_000).catch(() => undefined);
    expect(handedOutAgain).toEqual([]);
    expect(unfinished).toEqual([]);
    console.log(
      `kill -9 under load: ${acknowledgedCreated.size} instance creations and ${acknowledgedCompleted.size} job completions acknowledged before the kill, all there after the restart`,
    );

    const stopped = new Promise((resolve) => second.child.once('exit', resolve));
    second.child.kill('SIGTERM');
    await stopped;
  }, 120_000);
});
