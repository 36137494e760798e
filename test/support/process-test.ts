// Process-test helpers of this project, against the engine the configuration names (the local
// stack's own engine by default, or any Camunda 8 cluster): deploy, start, await an end state / an
// incident / a user task, read the path taken, publish messages, complete user tasks and move the
// engine's clock (REST API v2: PUT /v2/clock, POST /v2/clock/reset).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Camunda8, Zeebe } from '@camunda8/sdk';
import { createCamunda } from '../../src/platform/camunda.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { completeUserTask } from '../../src/platform/user-task-client.ts';
import { createOrchestrationClient, type OrchestrationClient } from '../../src/platform/orchestration-client.ts';
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
  private readonly rest: OrchestrationClient;
  /** Where this test pinned the engine clock (undefined: the engine runs on system time). */
  private pinnedAt: number | undefined;
  private clockProbe: Promise<void> | undefined;

  constructor(config: Config = loadConfig()) {
    this.config = config;
    this.camunda = createCamunda(config);
    this.zeebe = this.camunda.getZeebeGrpcApiClient();
    this.rest = createOrchestrationClient(config);
    this.search = new EngineSearch(config, this.rest);
  }

  async close(): Promise<void> {
    // the next suite starts on system time; what was due at the pinned time has fired by now
    if (this.pinnedAt !== undefined) await this.resetClock().catch(() => undefined);
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

  /**
   * Deploys a copy of a model whose engine-visible names carry `-<suffix>`: process ids, job types,
   * message names and linked form ids (the forms it links, from `<model dir>/forms/*.form`, are
   * deployed along, renamed the same way). Tests can then run the model beside the real farm, and
   * beside each other, without taking each other's jobs, messages or instances.
   *
   * A file may hold several processes (the pools of a collaboration): every one is isolated, and
   * `bpmnProcessId` is the first, `processId(id)` any of them. A timer start event of the copy fires
   * on the engine clock for as long as the copy is deployed, starting instances whose jobs only the
   * test's handlers take (their types carry the suffix too): end it with `deleteIsolatedCopy`.
   */
  async deployIsolatedCopy(file: string, suffix: string): Promise<IsolatedModel> {
    const copy = isolateModel(await readFile(file, 'utf8'), suffix);
    const forms = await linkedForms(path.join(path.dirname(file), 'forms'), copy.formIds);
    const base = path.basename(file, '.bpmn');
    const res = await this.zeebe.deployResources([
      { name: `${base}-${suffix}.bpmn`, process: Buffer.from(copy.xml) },
      ...[...forms].map(([id, json]) => ({ name: `${id}-${suffix}.form`, form: Buffer.from(isolateForm(json, suffix)) })),
    ]);
    const versions = new Map<string, number>();
    const definitionKeys: string[] = [];
    for (const d of res.deployments as { process?: { bpmnProcessId: string; version: number; processDefinitionKey: string } }[]) {
      if (d.process) {
        versions.set(d.process.bpmnProcessId, d.process.version);
        definitionKeys.push(d.process.processDefinitionKey);
      }
    }
    const [processId] = copy.processIds;
    if (!processId) throw new ProcessTestError(`${file} defines no process`);
    const isolated = (name: string): string => `${name}-${suffix}`;
    return {
      suffix,
      bpmnProcessId: isolated(processId),
      version: versions.get(isolated(processId)) ?? 0,
      jobTypes: copy.jobTypes,
      jobType: isolated,
      message: isolated,
      formId: isolated,
      bpmnProcessIds: copy.processIds.map(isolated),
      processId: (id: string): string => {
        if (!copy.processIds.includes(id)) throw new ProcessTestError(`${file} defines no process ${id} (it defines ${copy.processIds.join(', ')})`);
        return isolated(id);
      },
      processDefinitionKeys: definitionKeys,
    };
  }

  /**
   * Deletes the process definitions of an isolated copy: its timer and message start events stop
   * starting instances (instances still running go on to their end). Call it after the tests of a
   * copy with a timer start event, or the engine keeps starting instances of it.
   */
  async deleteIsolatedCopy(model: IsolatedModel): Promise<void> {
    for (const resourceKey of model.processDefinitionKeys) await this.zeebe.deleteResource({ resourceKey });
  }

  /**
   * Starts an instance through its message start event (message id = correlation key, as the
   * intake does) and returns its key, found on the search side by the variable that carries the
   * correlation key.
   */
  async startByMessage(bpmnProcessId: string, messageName: string, correlationKey: string, variables: Variables, keyVariable: string, opts: AwaitOptions = {}): Promise<string> {
    await this.zeebe.publishMessage({ name: messageName, correlationKey, messageId: correlationKey, variables: variables as Record<string, Variables[string] & {}>, timeToLive: 60_000 });
    const found = await eventually(`an instance of ${bpmnProcessId} with ${keyVariable}=${correlationKey}`, async () => {
      const hits = await this.search.processInstancesByVariable(keyVariable, correlationKey, bpmnProcessId);
      return hits[0];
    }, { timeoutMs: 30_000, ...opts });
    return found.key;
  }

  /** Waits until `count` instances of the element are active (e.g. a receive task whose timers must exist). */
  async awaitActive(processInstanceKey: string, elementId: string, count = 1, opts: AwaitOptions = {}): Promise<ElementInstanceView[]> {
    return eventually(`${count} active ${elementId} in ${processInstanceKey}`, async () => {
      const active = (await this.search.elementInstances(processInstanceKey)).filter((e) => e.elementId === elementId && e.state === 'ACTIVE');
      return active.length >= count ? active : undefined;
    }, { timeoutMs: 30_000, ...opts });
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
      if (pi?.hasIncident) {
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
    await completeUserTask(this.config, userTaskKey, variables, this.rest);
  }


  /**
   * Moves the engine's clock forward, so timers fire without the test sleeping: the clock is pinned
   * at (where the engine's clock stands) + ms and stays there until the next move or resetClock
   * (close() resets it). The clock never goes back: a pinned clock stands still, so work due later
   * than the pinned time (a job's retry backoff, its timeout) waits for the next move.
   */
  async advanceClock(ms: number): Promise<void> {
    // the engine's own reading, not this machine's: someone else may have pinned it ahead already
    const target = Math.max(this.pinnedAt ?? 0, await this.engineNow(), Date.now()) + ms;
    try {
      await this.rest.pinClock({ timestamp: target });
    } catch (err) {
      throw new ProcessTestError(`pinning the engine clock at ${new Date(target).toISOString()}: ${(err as Error).message}`);
    }
    this.pinnedAt = target;
  }

  /**
   * The engine clock's reading (REST API v2 has no clock query): the start date the engine gives a
   * new instance of a one-step probe process, deployed once.
   */
  async engineNow(): Promise<number> {
    this.clockProbe ??= this.zeebe
      .deployResources([{ name: `${CLOCK_PROBE}.bpmn`, process: Buffer.from(CLOCK_PROBE_XML) }])
      .then(() => undefined)
      .catch((err: unknown) => {
        this.clockProbe = undefined;
        throw err;
      });
    await this.clockProbe;
    const key = await this.start(CLOCK_PROBE);
    const probe = await eventually('the clock probe instance', () => this.search.processInstance(key), { timeoutMs: 10_000, intervalMs: 50 });
    const at = Date.parse(probe.startDate ?? '');
    if (Number.isNaN(at)) throw new ProcessTestError(`the clock probe ${key} has no start date`);
    return at;
  }

  /** The engine back on system time (timers due between then and now fire as their time comes). */
  async resetClock(): Promise<void> {
    await this.rest.resetClock();
    this.pinnedAt = undefined;
  }
}

const CLOCK_PROBE = 'process-test-clock-probe';
/** Its instances complete at once: their start date is the engine's now. */
const CLOCK_PROBE_XML = startToEndProcessXml(CLOCK_PROBE);

/** A process of a none start and a none end (its instances complete at once), for probing an engine. */
export function startToEndProcessXml(processId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_Probe" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Probe"><bpmn:outgoing>Flow_Probe</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_Probe" sourceRef="StartEvent_Probe" targetRef="EndEvent_Probe" />
    <bpmn:endEvent id="EndEvent_Probe"><bpmn:incoming>Flow_Probe</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
`;
}

/** An isolated copy of a model, as deployed: every name the engine routes by carries the suffix. */
export interface IsolatedModel {
  readonly suffix: string;
  readonly bpmnProcessId: string;
  readonly version: number;
  /** the job types of the original model, unsuffixed */
  readonly jobTypes: readonly string[];
  jobType(type: string): string;
  message(name: string): string;
  formId(id: string): string;
  /** every process of the file, isolated, in document order (the first is `bpmnProcessId`) */
  readonly bpmnProcessIds: readonly string[];
  /** the isolated id of one of the file's processes, by its original id */
  processId(id: string): string;
  /** the deployed process definitions (see ProcessTest.deleteIsolatedCopy) */
  readonly processDefinitionKeys: readonly string[];
}

export interface IsolatedXml {
  readonly xml: string;
  readonly processIds: readonly string[];
  readonly jobTypes: readonly string[];
  readonly messageNames: readonly string[];
  readonly formIds: readonly string[];
}

/** Rewrites a BPMN document's process ids, job types, message names and linked form ids with `-<suffix>`. */
export function isolateModel(xml: string, suffix: string): IsolatedXml {
  const found = { processIds: new Set<string>(), jobTypes: new Set<string>(), messageNames: new Set<string>(), formIds: new Set<string>() };
  const rename = (pattern: RegExp, into: Set<string>) => (text: string): string =>
    text.replace(pattern, (_m, head: string, value: string, tail: string) => {
      // an expression is evaluated per instance: no name to rewrite here, so no isolation either
      if (value.startsWith('=')) throw new ProcessTestError(`cannot isolate the expression ${value}`);
      into.add(value);
      return `${head}${value}-${suffix}${tail}`;
    });
  let out = [
    rename(/(<(?:\w+:)?taskDefinition\b[^>]*?\btype=")([^"]+)(")/g, found.jobTypes),
    rename(/(<(?:\w+:)?message\b[^>]*?\bname=")([^"]+)(")/g, found.messageNames),
    rename(/(<(?:\w+:)?formDefinition\b[^>]*?\bformId=")([^"]+)(")/g, found.formIds),
  ].reduce((text, step) => step(text), xml);
  for (const m of xml.matchAll(/<(?:\w+:)?process\b[^>]*?\bid="([^"]+)"/g)) if (m[1]) found.processIds.add(m[1]);
  for (const id of found.processIds) {
    // the process element itself and whatever refers to it (diagram plane, participants)
    out = out.replaceAll(new RegExp(`(\\s(?:id|bpmnElement|processRef)=")${escapeRegExp(id)}(")`, 'g'), `$1${id}-${suffix}$2`);
  }
  return { xml: out, processIds: [...found.processIds], jobTypes: [...found.jobTypes], messageNames: [...found.messageNames], formIds: [...found.formIds] };
}

/** A Camunda form with its id suffixed. */
export function isolateForm(json: string, suffix: string): string {
  const form = JSON.parse(json) as { id?: unknown };
  if (typeof form.id !== 'string') throw new ProcessTestError('form without an id');
  return JSON.stringify({ ...form, id: `${form.id}-${suffix}` });
}

/** The forms (id -> JSON) in `dir` whose ids are among `ids`; a linked form that is missing fails. */
async function linkedForms(dir: string, ids: readonly string[]): Promise<Map<string, string>> {
  const forms = new Map<string, string>();
  if (ids.length === 0) return forms;
  for (const name of (await readdir(dir)).filter((f) => f.endsWith('.form'))) {
    const json = await readFile(path.join(dir, name), 'utf8');
    const { id } = JSON.parse(json) as { id?: unknown };
    if (typeof id === 'string' && ids.includes(id)) forms.set(id, json);
  }
  const missing = ids.filter((id) => !forms.has(id));
  if (missing.length) throw new ProcessTestError(`linked form(s) ${missing.join(', ')} not found in ${dir}`);
  return forms;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
