// Process-test helpers of this project, against the real engine of the local stack: deploy, start,
// await an end state / an incident / a user task, read the path taken, publish messages, complete
// user tasks and move the engine's controlled clock. (They take the place of a process-test
// library for TypeScript, which does not exist.)
import { setTimeout as sleep } from 'node:timers/promises';
import type { Camunda8, Zeebe } from '@camunda8/sdk';
import { createCamunda } from '../../src/platform/camunda.ts';
import { CamundaSession } from '../../src/platform/camunda-session.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { EngineSearch, type ElementInstanceView, type IncidentView, type ProcessInstanceView, type UserTaskView } from '../../src/platform/engine-search.ts';

type ZeebeClient = Zeebe.ZeebeGrpcClient;
/** Variables as the SDK types them (JSON documents). */
export type Variables = NonNullable<Parameters<ZeebeClient['createProcessInstance']>[0]['variables']>;

export interface AwaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

export class ProcessTestError extends Error {
  override readonly name = 'ProcessTestError';
}

/** Polls until `probe` returns a value other than undefined. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, opts: AwaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new ProcessTestError(`timed out waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    }
    await sleep(opts.intervalMs ?? 250);
  }
}

export class ProcessTest {
  readonly config: Config;
  readonly camunda: Camunda8;
  readonly zeebe: ZeebeClient;
  readonly search: EngineSearch;
  private readonly session: CamundaSession;

  constructor(config: Config = loadConfig()) {
    this.config = config;
    this.camunda = createCamunda(config);
    this.zeebe = this.camunda.getZeebeGrpcApiClient();
    this.session = new CamundaSession(config);
    this.search = new EngineSearch(config, this.session);
  }

  async close(): Promise<void> {
    await this.zeebe.close();
  }

  /** Deploys BPMN / form files; returns bpmnProcessId -> deployed version. */
  async deploy(...files: string[]): Promise<Record<string, number>> {
    const res = await this.zeebe.deployResources(files.map((processFilename) => ({ processFilename })));
    const versions: Record<string, number> = {};
    for (const d of res.deployments as { process?: { bpmnProcessId: string; version: number } }[]) {
      if (d.process) versions[d.process.bpmnProcessId] = d.process.version;
    }
    return versions;
  }

  async start(bpmnProcessId: string, variables: Variables = {}): Promise<string> {
    const res = await this.zeebe.createProcessInstance({ bpmnProcessId, variables });
    return res.processInstanceKey;
  }

  /** Waits until the instance ended; an open incident on the way fails fast with its message. */
  async awaitCompleted(processInstanceKey: string, opts: AwaitOptions = {}): Promise<ProcessInstanceView> {
    return eventually(`process instance ${processInstanceKey} to complete`, async () => {
      const pi = await this.search.processInstance(processInstanceKey);
      if (pi?.state === 'COMPLETED') return pi;
      if (pi?.incident) {
        const incidents = await this.search.incidents({ processInstanceKey, state: 'ACTIVE' });
        if (incidents.length) throw new ProcessTestError(`instance ${processInstanceKey} has an incident: ${incidents.map((i) => `${i.elementId}: ${i.errorMessage}`).join('; ')}`);
      }
      return undefined;
    }, { timeoutMs: 60_000, ...opts });
  }

  async awaitIncident(processInstanceKey: string, elementId?: string, opts: AwaitOptions = {}): Promise<IncidentView> {
    return eventually(`an incident on ${elementId ?? 'any element'} of ${processInstanceKey}`, async () => {
      const incidents = await this.search.incidents({ processInstanceKey, state: 'ACTIVE' });
      return incidents.find((i) => !elementId || i.elementId === elementId);
    }, { timeoutMs: 60_000, ...opts });
  }

  async awaitUserTask(processInstanceKey: string, elementId?: string, opts: AwaitOptions = {}): Promise<UserTaskView> {
    return eventually(`user task ${elementId ?? ''} of ${processInstanceKey}`, async () => {
      const tasks = await this.search.userTasks({ processInstanceKey, state: 'CREATED' });
      return tasks.find((t) => !elementId || t.elementId === elementId);
    }, { timeoutMs: 60_000, ...opts });
  }

  /** Element instances of the instance, in start order. */
  async path(processInstanceKey: string): Promise<ElementInstanceView[]> {
    const all = await this.search.elementInstances(processInstanceKey);
    return all.sort((a, b) => (a.startDate ?? '').localeCompare(b.startDate ?? '') || a.key.localeCompare(b.key));
  }

  /** Ids of the elements the instance completed, in order. */
  async completedElements(processInstanceKey: string): Promise<string[]> {
    return (await this.path(processInstanceKey)).filter((e) => e.state === 'COMPLETED').map((e) => e.elementId);
  }

  /**
   * Waits until every given element shows as completed (the search side is eventually consistent,
   * and element instances may arrive after the instance's own state), then returns the completed
   * elements in order.
   */
  async awaitPassed(processInstanceKey: string, elementIds: readonly string[], opts: AwaitOptions = {}): Promise<string[]> {
    return eventually(`${elementIds.join(', ')} completed in ${processInstanceKey}`, async () => {
      const done = await this.completedElements(processInstanceKey);
      return elementIds.every((id) => done.includes(id)) ? done : undefined;
    }, { timeoutMs: 30_000, ...opts });
  }

  async publishMessage(name: string, correlationKey: string, variables: Variables = {}, timeToLiveMs = 60_000): Promise<void> {
    await this.zeebe.publishMessage({ name, correlationKey, variables: variables as Record<string, Variables[string] & {}>, timeToLive: timeToLiveMs });
  }

  async completeUserTask(userTaskKey: string, variables: Record<string, unknown> = {}): Promise<void> {
    const res = await fetch(`${this.config.ZEEBE_REST_ADDRESS}/v2/user-tasks/${userTaskKey}/completion`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await this.session.getHeaders()) },
      body: JSON.stringify({ variables }),
    });
    if (res.status !== 204) throw new ProcessTestError(`completing user task ${userTaskKey}: HTTP ${res.status} ${await res.text()}`);
  }

  /** Moves the engine's controlled clock forward, so timers fire without the test sleeping. */
  async advanceClock(ms: number): Promise<void> {
    await this.clock('add', { offsetMilli: ms });
  }

  async resetClock(): Promise<void> {
    const res = await fetch(`${this.config.CAMUNDA_MANAGEMENT_ADDRESS}/actuator/clock`, { method: 'DELETE' });
    if (!res.ok) throw new ProcessTestError(`resetting the engine clock: HTTP ${res.status}`);
  }

  private async clock(op: 'add' | 'pin', body: Record<string, number>): Promise<void> {
    const res = await fetch(`${this.config.CAMUNDA_MANAGEMENT_ADDRESS}/actuator/clock/${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new ProcessTestError(`engine clock ${op}: HTTP ${res.status} (is the cluster started with ZEEBE_CLOCK_CONTROLLED=true?)`);
  }
}
