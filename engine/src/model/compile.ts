// BPMN XML → ProcessModel[] (one per executable process), or the refusals Zeebe's deployment
// would give: each names the element and the reason. Parsed with bpmn-moddle and the Zeebe
// extension descriptor, the same reading the Modeler has.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { syntaxError } from '../feel/syntax.ts';
import type { ElementKind, ElementModel, EventDefinition, FlowModel, Mapping, MultiInstance, ProcessModel } from './types.ts';

const require = createRequire(import.meta.url);
const zeebeDescriptor = JSON.parse(readFileSync(require.resolve('zeebe-bpmn-moddle/resources/zeebe.json'), 'utf8')) as Record<string, unknown>;

/** A bpmn-moddle element, read loosely: moddle types are generated per descriptor. */
interface Node {
  readonly $type: string;
  readonly id?: string;
  readonly name?: string;
  readonly [key: string]: unknown;
}

export interface Refusal {
  readonly elementId: string;
  readonly reason: string;
}

export type CompileResult =
  | { readonly ok: true; readonly processes: readonly ProcessModel[] }
  | { readonly ok: false; readonly refusals: readonly Refusal[] };

const KIND_BY_TYPE: Readonly<Record<string, ElementKind>> = {
  'bpmn:StartEvent': 'startEvent',
  'bpmn:EndEvent': 'endEvent',
  'bpmn:IntermediateCatchEvent': 'intermediateCatchEvent',
  'bpmn:IntermediateThrowEvent': 'intermediateThrowEvent',
  'bpmn:BoundaryEvent': 'boundaryEvent',
  'bpmn:ServiceTask': 'serviceTask',
  'bpmn:UserTask': 'userTask',
  'bpmn:ReceiveTask': 'receiveTask',
  'bpmn:ScriptTask': 'scriptTask',
  'bpmn:ManualTask': 'manualTask',
  'bpmn:Task': 'task',
  'bpmn:SendTask': 'sendTask',
  'bpmn:BusinessRuleTask': 'businessRuleTask',
  'bpmn:ExclusiveGateway': 'exclusiveGateway',
  'bpmn:ParallelGateway': 'parallelGateway',
  'bpmn:EventBasedGateway': 'eventBasedGateway',
  'bpmn:SubProcess': 'subProcess',
  'bpmn:CallActivity': 'callActivity',
};

const REST_TYPE: Readonly<Record<ElementKind, string>> = {
  startEvent: 'START_EVENT',
  endEvent: 'END_EVENT',
  intermediateCatchEvent: 'INTERMEDIATE_CATCH_EVENT',
  intermediateThrowEvent: 'INTERMEDIATE_THROW_EVENT',
  boundaryEvent: 'BOUNDARY_EVENT',
  serviceTask: 'SERVICE_TASK',
  userTask: 'USER_TASK',
  receiveTask: 'RECEIVE_TASK',
  scriptTask: 'SCRIPT_TASK',
  manualTask: 'MANUAL_TASK',
  task: 'TASK',
  sendTask: 'SEND_TASK',
  businessRuleTask: 'BUSINESS_RULE_TASK',
  exclusiveGateway: 'EXCLUSIVE_GATEWAY',
  parallelGateway: 'PARALLEL_GATEWAY',
  eventBasedGateway: 'EVENT_BASED_GATEWAY',
  inclusiveGateway: 'INCLUSIVE_GATEWAY',
  subProcess: 'SUB_PROCESS',
  eventSubProcess: 'EVENT_SUB_PROCESS',
  callActivity: 'CALL_ACTIVITY',
};

const IGNORED = new Set(['bpmn:SequenceFlow', 'bpmn:Association', 'bpmn:TextAnnotation', 'bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference', 'bpmn:Group']);

const list = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function extension(node: Node, type: string): Node | undefined {
  const ext = node.extensionElements as Node | undefined;
  return list(ext?.values).find((value) => value.$type === type);
}

function mappings(node: Node): { inputs: Mapping[]; outputs: Mapping[] } {
  const io = extension(node, 'zeebe:IoMapping');
  const read = (values: unknown): Mapping[] =>
    list(values).map((value) => ({ source: str(value.source) ?? '=null', target: str(value.target) ?? '' }));
  return { inputs: read(io?.inputParameters), outputs: read(io?.outputParameters) };
}

function headers(node: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const header of list(extension(node, 'zeebe:TaskHeaders')?.values)) {
    const key = str(header.key);
    if (key) out[key] = typeof header.value === 'string' ? header.value : '';
  }
  return out;
}

function expressionBody(value: unknown): string | undefined {
  return str((value as Node | undefined)?.body as string | undefined)?.trim();
}

export async function compileBpmn(xml: string): Promise<CompileResult> {
  const moddle = new BpmnModdle({ zeebe: zeebeDescriptor });
  let definitions: Node;
  try {
    definitions = (await moddle.fromXML(xml)).rootElement as Node;
  } catch (error) {
    return { ok: false, refusals: [{ elementId: '(document)', reason: `Failed to parse the BPMN XML: ${(error as Error).message}` }] };
  }
  const refusals: Refusal[] = [];
  const processes: ProcessModel[] = [];
  for (const process of list(definitions.rootElements).filter((node) => node.$type === 'bpmn:Process')) {
    if (process.isExecutable === false) continue;
    const model = compileProcess(process, refusals);
    if (model) processes.push(model);
  }
  if (refusals.length === 0 && processes.length === 0) {
    refusals.push({ elementId: str(definitions.id) ?? '(document)', reason: 'Must contain at least one executable process' });
  }
  return refusals.length > 0 ? { ok: false, refusals } : { ok: true, processes };
}

function compileProcess(process: Node, refusals: Refusal[]): ProcessModel | undefined {
  const elements: Record<string, ElementModel> = {};
  const flows: Record<string, FlowModel> = {};
  const boundaryByActivity = new Map<string, string[]>();
  const handlerByBoundary = new Map<string, string>();
  const refuse = (elementId: string | undefined, reason: string) => refusals.push({ elementId: elementId ?? '(unknown)', reason });

  // associations link compensation boundary events to their handlers
  const collectAssociations = (container: Node) => {
    for (const artifact of list(container.artifacts)) {
      if (artifact.$type !== 'bpmn:Association') continue;
      const source = (artifact.sourceRef as Node | undefined)?.id;
      const target = (artifact.targetRef as Node | undefined)?.id;
      if (source && target) handlerByBoundary.set(source, target);
    }
    for (const child of list(container.flowElements)) if (child.$type === 'bpmn:SubProcess') collectAssociations(child);
  };
  collectAssociations(process);

  const walk = (container: Node, parentId: string | undefined): { noneStartId: string | undefined; eventSubProcessIds: string[]; messageStarts: string[]; timerStarts: string[] } => {
    const found = { noneStartId: undefined as string | undefined, eventSubProcessIds: [] as string[], messageStarts: [] as string[], timerStarts: [] as string[] };
    for (const node of list(container.flowElements)) {
      if (node.$type === 'bpmn:SequenceFlow') {
        const id = node.id ?? '';
        const sourceId = (node.sourceRef as Node | undefined)?.id ?? '';
        const targetId = (node.targetRef as Node | undefined)?.id ?? '';
        flows[id] = { id, sourceId, targetId, condition: expressionBody(node.conditionExpression) };
        continue;
      }
      if (IGNORED.has(node.$type)) continue;
      const id = node.id ?? '';
      let kind = KIND_BY_TYPE[node.$type];
      if (node.$type === 'bpmn:SubProcess' && node.triggeredByEvent === true) kind = 'eventSubProcess';
      if (!kind) {
        refuse(id, `Elements of type '${node.$type.replace('bpmn:', '')}' are currently not supported`);
        continue;
      }
      const element = compileElement(node, kind, parentId, refuse);
      if (!element) continue;
      let inner = { noneStartId: undefined as string | undefined, eventSubProcessIds: [] as string[] };
      if (kind === 'subProcess' || kind === 'eventSubProcess') {
        const nested = walk(node, id);
        inner = nested;
        if (nested.messageStarts.length > 0 || nested.timerStarts.length > 0) {
          if (kind === 'subProcess') refuse(id, 'An embedded subprocess must have exactly one none start event');
        }
        if (kind === 'subProcess' && !nested.noneStartId) refuse(id, 'Must have exactly one none start event');
      }
      const startEventId =
        kind === 'eventSubProcess' ? list(node.flowElements).find((child) => child.$type === 'bpmn:StartEvent')?.id : undefined;
      if (kind === 'eventSubProcess' && !startEventId) refuse(id, 'An event subprocess must have one start event');
      elements[id] = { ...element, noneStartId: inner.noneStartId, eventSubProcessIds: inner.eventSubProcessIds, startEventId };
      if (kind === 'startEvent') {
        const eventKind = element.event.kind;
        if (eventKind === 'none') found.noneStartId = id;
        if (eventKind === 'message') found.messageStarts.push(id);
        if (eventKind === 'timer') found.timerStarts.push(id);
      }
      if (kind === 'eventSubProcess') found.eventSubProcessIds.push(id);
      if (kind === 'boundaryEvent' && element.attachedTo) {
        const attached = boundaryByActivity.get(element.attachedTo) ?? [];
        attached.push(id);
        boundaryByActivity.set(element.attachedTo, attached);
      }
    }
    return found;
  };
  const top = walk(process, undefined);

  // second pass: wiring that needs every element (boundaries, compensation handlers, flows)
  for (const flow of Object.values(flows)) {
    const source = elements[flow.sourceId];
    const target = elements[flow.targetId];
    if (!source || !target) continue;
    (source.outgoing as string[]).push(flow.id);
    (target.incoming as string[]).push(flow.id);
  }
  for (const [activityId, boundaryIds] of boundaryByActivity) {
    const activity = elements[activityId];
    if (!activity) continue;
    (activity.boundaryIds as string[]).push(...boundaryIds);
    for (const boundaryId of boundaryIds) {
      const boundary = elements[boundaryId];
      if (boundary?.event.kind !== 'compensate') continue;
      const handlerId = handlerByBoundary.get(boundaryId);
      if (!handlerId || !elements[handlerId]?.isForCompensation) {
        refuse(boundaryId, 'A compensation boundary event must be associated with a compensation handler (isForCompensation)');
        continue;
      }
      elements[activityId] = { ...activity, boundaryIds: activity.boundaryIds, compensationHandlerId: handlerId };
    }
  }
  for (const element of Object.values(elements)) validateElement(element, elements, flows, refuse);
  if (!top.noneStartId && top.messageStarts.length === 0 && top.timerStarts.length === 0) {
    refuse(process.id, 'Must have at least one start event');
  }
  return {
    bpmnProcessId: process.id ?? '',
    name: str(process.name),
    elements,
    flows,
    noneStartId: top.noneStartId,
    messageStartIds: top.messageStarts,
    timerStartIds: top.timerStarts,
    eventSubProcessIds: top.eventSubProcessIds,
  };
}

function compileEvent(node: Node, refuse: (id: string | undefined, reason: string) => void): EventDefinition {
  const definitions = list(node.eventDefinitions);
  if (definitions.length === 0) return { kind: 'none' };
  if (definitions.length > 1) refuse(node.id, 'Multiple event definitions are not supported');
  const definition = definitions[0] as Node;
  switch (definition.$type) {
    case 'bpmn:MessageEventDefinition': {
      const message = definition.messageRef as Node | undefined;
      const messageName = str(message?.name);
      if (!messageName) refuse(node.id, 'Must reference a message with a name');
      const subscription = message ? extension(message, 'zeebe:Subscription') : undefined;
      return { kind: 'message', messageName: messageName ?? '', correlationKey: str(subscription?.correlationKey) };
    }
    case 'bpmn:TimerEventDefinition': {
      const date = expressionBody(definition.timeDate);
      const duration = expressionBody(definition.timeDuration);
      const cycle = expressionBody(definition.timeCycle);
      if (date) return { kind: 'timer', timer: { kind: 'date', expression: date } };
      if (duration) return { kind: 'timer', timer: { kind: 'duration', expression: duration } };
      if (cycle) return { kind: 'timer', timer: { kind: 'cycle', expression: cycle } };
      refuse(node.id, 'Must have a timer date, duration or cycle');
      return { kind: 'timer', timer: { kind: 'duration', expression: 'PT0S' } };
    }
    case 'bpmn:ErrorEventDefinition': {
      const error = definition.errorRef as Node | undefined;
      return { kind: 'error', errorCode: str(error?.errorCode) };
    }
    case 'bpmn:CompensateEventDefinition':
      return { kind: 'compensate', activityRef: (definition.activityRef as Node | undefined)?.id };
    case 'bpmn:TerminateEventDefinition':
      return { kind: 'terminate' };
    case 'bpmn:SignalEventDefinition':
      return { kind: 'signal', signalName: str((definition.signalRef as Node | undefined)?.name) ?? '' };
    default:
      refuse(node.id, `Event definitions of type '${definition.$type.replace('bpmn:', '')}' are currently not supported`);
      return { kind: 'none' };
  }
}

function compileMultiInstance(node: Node, refuse: (id: string | undefined, reason: string) => void): MultiInstance | undefined {
  const loop = node.loopCharacteristics as Node | undefined;
  if (!loop) return undefined;
  if (loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
    refuse(node.id, `Loop characteristics of type '${loop.$type.replace('bpmn:', '')}' are not supported`);
    return undefined;
  }
  const zeebeLoop = extension(loop, 'zeebe:LoopCharacteristics');
  const inputCollection = str(zeebeLoop?.inputCollection);
  if (!inputCollection) refuse(node.id, "Must have an 'inputCollection' on zeebe:loopCharacteristics");
  return {
    sequential: loop.isSequential === true,
    inputCollection: inputCollection ?? '=[]',
    inputElement: str(zeebeLoop?.inputElement),
    outputCollection: str(zeebeLoop?.outputCollection),
    outputElement: str(zeebeLoop?.outputElement),
    completionCondition: expressionBody(loop.completionCondition),
  };
}

function compileElement(node: Node, kind: ElementKind, parentId: string | undefined, refuse: (id: string | undefined, reason: string) => void): Omit<ElementModel, 'noneStartId' | 'eventSubProcessIds' | 'startEventId'> | undefined {
  const id = node.id ?? '';
  const { inputs, outputs } = mappings(node);
  const taskDefinition = extension(node, 'zeebe:TaskDefinition');
  const zeebeUserTask = extension(node, 'zeebe:UserTask');
  const formDefinition = extension(node, 'zeebe:FormDefinition');
  const assignment = extension(node, 'zeebe:AssignmentDefinition');
  const schedule = extension(node, 'zeebe:TaskSchedule');
  const priority = extension(node, 'zeebe:PriorityDefinition');
  const script = extension(node, 'zeebe:Script');
  const called = extension(node, 'zeebe:CalledElement');
  const event = kind.endsWith('Event') ? compileEvent(node, refuse) : kind === 'receiveTask' ? receiveTaskEvent(node, refuse) : { kind: 'none' as const };
  let job: ElementModel['job'];
  if (taskDefinition) job = { type: str(taskDefinition.type) ?? '', retries: str(taskDefinition.retries) ?? '3' };
  if (kind === 'userTask' && !zeebeUserTask) job = { type: 'io.camunda.zeebe:userTask', retries: '1' };
  if ((kind === 'serviceTask' || kind === 'sendTask' || kind === 'businessRuleTask') && !job?.type) {
    refuse(id, "Must have exactly one 'zeebe:taskDefinition' extension element with a job type");
  }
  if (kind === 'scriptTask' && !script && !job) refuse(id, "Must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension element");
  if (kind === 'callActivity' && !str(called?.processId)) refuse(id, "Must have exactly one 'zeebe:calledElement' extension element with a processId");
  return {
    id,
    name: str(node.name),
    kind,
    type: REST_TYPE[kind],
    parentId,
    incoming: [],
    outgoing: [],
    event,
    inputs,
    outputs,
    multiInstance: compileMultiInstance(node, refuse),
    boundaryIds: [],
    attachedTo: kind === 'boundaryEvent' ? (node.attachedToRef as Node | undefined)?.id : undefined,
    cancelActivity: node.cancelActivity !== false,
    interrupting: node.isInterrupting !== false,
    defaultFlow: (node.default as Node | undefined)?.id,
    job: kind === 'scriptTask' && script ? undefined : job,
    headers: headers(node),
    userTask:
      kind === 'userTask' && zeebeUserTask
        ? {
            formId: str(formDefinition?.formId),
            assignee: str(assignment?.assignee),
            candidateGroups: str(assignment?.candidateGroups),
            candidateUsers: str(assignment?.candidateUsers),
            dueDate: str(schedule?.dueDate),
            followUpDate: str(schedule?.followUpDate),
            priority: str(priority?.priority),
          }
        : undefined,
    script: script ? { expression: str(script.expression) ?? '=null', resultVariable: str(script.resultVariable) } : undefined,
    calledElement: called
      ? { processId: str(called.processId) ?? '', propagateAllChildVariables: called.propagateAllChildVariables !== false, propagateAllParentVariables: called.propagateAllParentVariables !== false }
      : undefined,
    isForCompensation: node.isForCompensation === true,
    compensationHandlerId: undefined,
  };
}

function receiveTaskEvent(node: Node, refuse: (id: string | undefined, reason: string) => void): EventDefinition {
  const message = node.messageRef as Node | undefined;
  const messageName = str(message?.name);
  if (!messageName) refuse(node.id, 'Must reference a message with a name');
  const subscription = message ? extension(message, 'zeebe:Subscription') : undefined;
  return { kind: 'message', messageName: messageName ?? '', correlationKey: str(subscription?.correlationKey) };
}

/** every FEEL attribute of an element must parse */
function validateExpressions(element: ElementModel, refuse: (id: string | undefined, reason: string) => void): void {
  const check = (text: string | undefined, alwaysFeel = false) => {
    if (text === undefined) return;
    const trimmed = text.trimStart();
    if (!trimmed.startsWith('=') && !alwaysFeel) return;
    const problem = syntaxError(trimmed.startsWith('=') ? trimmed.slice(1) : trimmed);
    if (problem) refuse(element.id, problem);
  };
  for (const mapping of [...element.inputs, ...element.outputs]) check(mapping.source, true);
  const { event } = element;
  if (event.kind === 'timer') check(event.timer.expression);
  if (event.kind === 'message') check(event.correlationKey);
  if (element.multiInstance) {
    check(element.multiInstance.inputCollection);
    check(element.multiInstance.outputElement);
    if (element.multiInstance.completionCondition) check(element.multiInstance.completionCondition, true);
  }
  check(element.job?.type);
  check(element.job?.retries);
  check(element.script?.expression);
  check(element.calledElement?.processId);
}

function validateElement(element: ElementModel, elements: Record<string, ElementModel>, flows: Record<string, FlowModel>, refuse: (id: string | undefined, reason: string) => void): void {
  const { kind, event, id } = element;
  validateExpressions(element, refuse);
  const needsCorrelationKey = event.kind === 'message' && !(kind === 'startEvent' && element.parentId === undefined);
  if (needsCorrelationKey && event.kind === 'message' && !event.correlationKey) refuse(id, 'Must have a correlation key (zeebe:subscription correlationKey)');
  if (kind === 'boundaryEvent') {
    if (!element.attachedTo || !elements[element.attachedTo]) refuse(id, 'Must be attached to an activity');
    const allowed = ['error', 'timer', 'message', 'compensate'];
    if (!allowed.includes(event.kind)) refuse(id, `Boundary events of type '${event.kind}' are not supported`);
    if (event.kind === 'error' && !element.cancelActivity) refuse(id, 'Error boundary events must be interrupting');
    if (event.kind === 'timer' && element.cancelActivity && event.timer.kind === 'cycle') refuse(id, 'Interrupting timer boundary events cannot have a time cycle');
    if (event.kind !== 'compensate' && element.outgoing.length === 0) refuse(id, 'A boundary event must have an outgoing sequence flow');
  }
  if (kind === 'intermediateCatchEvent' && !['message', 'timer'].includes(event.kind)) {
    refuse(id, `Intermediate catch events of type '${event.kind}' are not supported`);
  }
  if (kind === 'intermediateThrowEvent' && !['none', 'compensate', 'signal'].includes(event.kind)) {
    refuse(id, `Intermediate throw events of type '${event.kind}' are not supported`);
  }
  if (kind === 'endEvent' && !['none', 'error', 'terminate', 'compensate', 'signal'].includes(event.kind)) {
    refuse(id, `End events of type '${event.kind}' are not supported`);
  }
  if (kind === 'startEvent') {
    const inEventSubProcess = element.parentId !== undefined && elements[element.parentId]?.kind === 'eventSubProcess';
    const allowed = inEventSubProcess ? ['message', 'timer', 'error'] : element.parentId === undefined ? ['none', 'message', 'timer'] : ['none'];
    if (!allowed.includes(event.kind)) refuse(id, `Start events of type '${event.kind}' are not supported here`);
  }
  if (kind === 'eventBasedGateway') {
    for (const flowId of element.outgoing) {
      const target = elements[flows[flowId]?.targetId ?? ''];
      const ok = target && (target.kind === 'intermediateCatchEvent' || target.kind === 'receiveTask');
      if (!ok) refuse(id, 'Event-based gateway must be followed by intermediate message or timer catch events');
    }
    if (element.outgoing.length < 2) refuse(id, 'Event-based gateway must have at least 2 outgoing sequence flows');
  }
  for (const flowId of element.outgoing) {
    const condition = flows[flowId]?.condition;
    const problem = condition ? syntaxError(condition.trimStart().startsWith('=') ? condition.trimStart().slice(1) : condition) : undefined;
    if (problem) refuse(flowId, problem);
  }
  if (kind === 'exclusiveGateway' && element.outgoing.length > 1) {
    for (const flowId of element.outgoing) {
      if (flowId !== element.defaultFlow && !flows[flowId]?.condition) refuse(flowId, 'Must have a condition expression, or be the default flow of the gateway');
    }
  }
}
