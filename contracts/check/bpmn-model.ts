// A BPMN file read into what the contract checks need: every element with its scope, job type,
// headers, io mappings, loop, conditions, timers, messages and errors, and every id of the
// document (DI and event definitions included). Parsed with bpmn-moddle and the Zeebe extension,
// the same reading bpmnlint and the Modeler have, so the checks never guess at XML.
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';

const require = createRequire(import.meta.url);
const zeebeDescriptor = JSON.parse(readFileSync(require.resolve('zeebe-bpmn-moddle/resources/zeebe.json'), 'utf8')) as Record<string, unknown>;

export interface IoMapping {
  readonly source: string;
  readonly target: string;
}

export interface Timer {
  readonly kind: 'timeDate' | 'timeCycle' | 'timeDuration';
  readonly expression: string;
}

export interface LoopCharacteristics {
  readonly inputCollection?: string | undefined;
  readonly inputElement?: string | undefined;
  readonly outputCollection?: string | undefined;
  readonly outputElement?: string | undefined;
  readonly completionCondition?: string | undefined;
}

export interface BpmnElement {
  readonly id: string;
  /** bpmn type without the prefix: ServiceTask, SequenceFlow, BoundaryEvent, … */
  readonly type: string;
  readonly name?: string | undefined;
  readonly processId: string;
  /** enclosing scopes, innermost first (subprocess ids, then the process id) */
  readonly scopes: readonly string[];
  readonly triggeredByEvent: boolean;
  readonly isForCompensation: boolean;
  readonly attachedTo?: string | undefined;
  readonly cancelActivity?: boolean | undefined;
  readonly isInterrupting?: boolean | undefined;
  readonly jobType?: string | undefined;
  readonly retries?: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly inputs: readonly IoMapping[];
  readonly outputs: readonly IoMapping[];
  readonly loop?: LoopCharacteristics | undefined;
  /** sequence flows */
  readonly sourceRef?: string | undefined;
  readonly targetRef?: string | undefined;
  readonly condition?: string | undefined;
  readonly timers: readonly Timer[];
  /** message events and receive tasks */
  readonly messageName?: string | undefined;
  /** error events: the caught or thrown code; null = catches every error */
  readonly errorCode?: string | null | undefined;
  readonly eventDefinitions: readonly string[];
  readonly formId?: string | undefined;
  readonly calledProcessId?: string | undefined;
  readonly script?: { readonly expression?: string | undefined; readonly resultVariable?: string | undefined } | undefined;
  readonly calledDecision?: { readonly decisionId?: string | undefined; readonly resultVariable?: string | undefined } | undefined;
  /** user task assignment and other expressions that may read variables */
  readonly otherExpressions: readonly { readonly what: string; readonly expression: string }[];
}

export interface BpmnMessage {
  readonly id: string;
  readonly name: string;
  readonly correlationKey?: string | undefined;
}

export interface BpmnErrorDefinition {
  readonly id: string;
  readonly name?: string | undefined;
  readonly errorCode?: string | undefined;
}

export interface DocumentId {
  readonly id: string;
  readonly type: string;
  /** for DI shapes and edges: the element they draw */
  readonly bpmnElement?: string | undefined;
  readonly triggeredByEvent?: boolean | undefined;
}

export interface BpmnModel {
  readonly file: string;
  readonly processes: readonly { readonly id: string; readonly name?: string | undefined; readonly isExecutable: boolean }[];
  readonly elements: readonly BpmnElement[];
  readonly messages: readonly BpmnMessage[];
  readonly errors: readonly BpmnErrorDefinition[];
  readonly ids: readonly DocumentId[];
  readonly parseWarnings: readonly string[];
}

type Moddle = { readonly $type: string; readonly [key: string]: unknown };

const isModdle = (v: unknown): v is Moddle => typeof v === 'object' && v !== null && typeof (v as { $type?: unknown }).$type === 'string';
const bare = (type: string): string => type.replace(/^[a-z]+:/, '');
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const children = (el: Moddle, key: string): Moddle[] => (Array.isArray(el[key]) ? (el[key] as unknown[]).filter(isModdle) : []);
const extensions = (el: Moddle | undefined): Moddle[] => (el && isModdle(el.extensionElements) ? children(el.extensionElements, 'values') : []);
const extension = (el: Moddle | undefined, type: string): Moddle | undefined => extensions(el).find((e) => e.$type === type);
const idOf = (v: unknown): string | undefined => (isModdle(v) ? str(v.id) : undefined);

function ioMappings(el: Moddle): { inputs: IoMapping[]; outputs: IoMapping[] } {
  const io = extension(el, 'zeebe:IoMapping');
  const read = (key: string) => (io ? children(io, key).map((p) => ({ source: str(p.source) ?? '', target: str(p.target) ?? '' })) : []);
  return { inputs: read('inputParameters'), outputs: read('outputParameters') };
}

function timersOf(definitions: Moddle[]): Timer[] {
  const timers: Timer[] = [];
  for (const d of definitions.filter((x) => x.$type === 'bpmn:TimerEventDefinition')) {
    for (const kind of ['timeDate', 'timeCycle', 'timeDuration'] as const) {
      const body = isModdle(d[kind]) ? str(d[kind].body) : undefined;
      if (body !== undefined) timers.push({ kind, expression: body.trim() });
    }
  }
  return timers;
}

function toElement(el: Moddle, processId: string, scopes: readonly string[]): BpmnElement {
  const definitions = children(el, 'eventDefinitions');
  const taskDefinition = extension(el, 'zeebe:TaskDefinition');
  const headers = extension(el, 'zeebe:TaskHeaders');
  const loopExt = isModdle(el.loopCharacteristics) ? extension(el.loopCharacteristics, 'zeebe:LoopCharacteristics') : undefined;
  const completion = isModdle(el.loopCharacteristics) && isModdle(el.loopCharacteristics.completionCondition) ? str(el.loopCharacteristics.completionCondition.body) : undefined;
  const messageDef = definitions.find((d) => d.$type === 'bpmn:MessageEventDefinition');
  const message = (messageDef?.messageRef ?? el.messageRef) as Moddle | undefined;
  const errorDef = definitions.find((d) => d.$type === 'bpmn:ErrorEventDefinition');
  const form = extension(el, 'zeebe:FormDefinition');
  const called = extension(el, 'zeebe:CalledElement');
  const script = extension(el, 'zeebe:Script');
  const decision = extension(el, 'zeebe:CalledDecision');
  const assignment = extension(el, 'zeebe:AssignmentDefinition');
  const condition = isModdle(el.conditionExpression) ? str(el.conditionExpression.body) : undefined;
  const otherExpressions = [
    ...(['assignee', 'candidateGroups', 'candidateUsers'] as const).flatMap((k) => (assignment && str(assignment[k]) ? [{ what: `assignment ${k}`, expression: str(assignment[k]) ?? '' }] : [])),
    ...(called && str(called.processId)?.startsWith('=') ? [{ what: 'called process id', expression: str(called.processId) ?? '' }] : []),
    ...(form && str(form.formKey)?.startsWith('=') ? [{ what: 'form key', expression: str(form.formKey) ?? '' }] : []),
  ];
  return {
    id: str(el.id) ?? '',
    type: bare(el.$type),
    name: str(el.name),
    processId,
    scopes,
    triggeredByEvent: el.triggeredByEvent === true,
    isForCompensation: el.isForCompensation === true,
    attachedTo: idOf(el.attachedToRef),
    cancelActivity: typeof el.cancelActivity === 'boolean' ? el.cancelActivity : undefined,
    isInterrupting: typeof el.isInterrupting === 'boolean' ? el.isInterrupting : undefined,
    jobType: taskDefinition ? str(taskDefinition.type) : undefined,
    retries: taskDefinition ? str(taskDefinition.retries) : undefined,
    headers: Object.fromEntries(headers ? children(headers, 'values').map((h) => [str(h.key) ?? '', str(h.value) ?? '']) : []),
    ...ioMappings(el),
    loop: loopExt
      ? {
          inputCollection: str(loopExt.inputCollection),
          inputElement: str(loopExt.inputElement),
          outputCollection: str(loopExt.outputCollection),
          outputElement: str(loopExt.outputElement),
          completionCondition: completion,
        }
      : undefined,
    sourceRef: idOf(el.sourceRef),
    targetRef: idOf(el.targetRef),
    condition,
    timers: timersOf(definitions),
    messageName: message ? str(message.name) : undefined,
    errorCode: errorDef ? (isModdle(errorDef.errorRef) ? (str(errorDef.errorRef.errorCode) ?? null) : null) : undefined,
    eventDefinitions: definitions.map((d) => bare(d.$type)),
    formId: form ? (str(form.formId) ?? str(form.formKey)) : undefined,
    calledProcessId: called ? str(called.processId) : undefined,
    script: script ? { expression: str(script.expression), resultVariable: str(script.resultVariable) } : undefined,
    calledDecision: decision ? { decisionId: str(decision.decisionId), resultVariable: str(decision.resultVariable) } : undefined,
    otherExpressions,
  };
}

function walkFlowElements(container: Moddle, processId: string, scopes: readonly string[], out: BpmnElement[]): void {
  for (const el of [...children(container, 'flowElements'), ...children(container, 'artifacts')]) {
    out.push(toElement(el, processId, scopes));
    if (Array.isArray(el.flowElements)) walkFlowElements(el, processId, [str(el.id) ?? '', ...scopes], out);
  }
}

/** Every object of the document that carries an id (event definitions and DI included). */
function collectIds(root: Moddle): DocumentId[] {
  const ids: DocumentId[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!isModdle(v) || seen.has(v)) return;
    seen.add(v);
    if (typeof v.id === 'string') ids.push({ id: v.id, type: v.$type, bpmnElement: idOf(v.bpmnElement), triggeredByEvent: v.triggeredByEvent === true });
    for (const [key, child] of Object.entries(v)) {
      // references to other elements are visited where they are defined, not where they are used
      if (key === '$parent' || key.endsWith('Ref') || key === 'bpmnElement' || key === 'attachedToRef' || key === 'default') continue;
      if (key === 'incoming' || key === 'outgoing' || key === 'sourceElement' || key === 'targetElement') continue;
      visit(child);
    }
  };
  visit(root);
  return ids;
}

export async function parseBpmn(file: string, xml?: string): Promise<BpmnModel> {
  const text = xml ?? (await readFile(file, 'utf8'));
  const { rootElement, warnings } = await new BpmnModdle({ zeebe: zeebeDescriptor }).fromXML(text);
  const definitions = rootElement as Moddle;
  const rootElements = children(definitions, 'rootElements');
  const elements: BpmnElement[] = [];
  const processes = rootElements.filter((e) => e.$type === 'bpmn:Process');
  for (const p of processes) walkFlowElements(p, str(p.id) ?? '', [str(p.id) ?? ''], elements);
  return {
    file,
    processes: processes.map((p) => ({ id: str(p.id) ?? '', name: str(p.name), isExecutable: p.isExecutable === true })),
    elements,
    messages: rootElements
      .filter((e) => e.$type === 'bpmn:Message')
      .map((m) => ({ id: str(m.id) ?? '', name: str(m.name) ?? '', correlationKey: str(extension(m, 'zeebe:Subscription')?.correlationKey) })),
    errors: rootElements.filter((e) => e.$type === 'bpmn:Error').map((e) => ({ id: str(e.id) ?? '', name: str(e.name), errorCode: str(e.errorCode) })),
    ids: collectIds(definitions),
    parseWarnings: warnings.map((w) => w.message),
  };
}

/** Every bpmn/*.bpmn, parsed, in name order. */
export async function parseModels(bpmnDir: string): Promise<BpmnModel[]> {
  const files = (await readdir(bpmnDir)).filter((f) => f.endsWith('.bpmn')).sort();
  return Promise.all(files.map((f) => parseBpmn(path.join(bpmnDir, f))));
}

/** Elements that run a job (service-like tasks, and message throw/end events with a job type). */
export const jobElements = (model: BpmnModel): BpmnElement[] => model.elements.filter((e) => e.jobType !== undefined);
