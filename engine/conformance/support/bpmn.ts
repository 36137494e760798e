// Small BPMN models written per test: a few helpers that emit BPMN 2.0 XML with Zeebe extensions
// (no diagram interchange: the engine needs none). Elements are XML fragments; `model` wraps them
// in a process and its definitions. Sequence flows come from `chain`/`flow`.

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface Mapping {
  readonly source: string;
  readonly target: string;
}

export interface TaskOptions {
  readonly retries?: number | string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly inputs?: readonly Mapping[];
  readonly outputs?: readonly Mapping[];
  readonly multiInstance?: MultiInstance;
  /** a compensation handler: <serviceTask isForCompensation="true"> */
  readonly forCompensation?: boolean;
}

export interface MultiInstance {
  readonly inputCollection: string;
  readonly inputElement?: string;
  readonly outputCollection?: string;
  readonly outputElement?: string;
  readonly sequential?: boolean;
  readonly completionCondition?: string;
}

export function ioMapping(inputs: readonly Mapping[] = [], outputs: readonly Mapping[] = []): string {
  if (!inputs.length && !outputs.length) return '';
  const lines = [...inputs.map((m) => `<zeebe:input source="${escape(m.source)}" target="${escape(m.target)}"/>`), ...outputs.map((m) => `<zeebe:output source="${escape(m.source)}" target="${escape(m.target)}"/>`)];
  return `<zeebe:ioMapping>${lines.join('')}</zeebe:ioMapping>`;
}

export function multiInstance(spec: MultiInstance): string {
  const attributes = [`inputCollection="${escape(spec.inputCollection)}"`];
  if (spec.inputElement) attributes.push(`inputElement="${escape(spec.inputElement)}"`);
  if (spec.outputCollection) attributes.push(`outputCollection="${escape(spec.outputCollection)}"`);
  if (spec.outputElement) attributes.push(`outputElement="${escape(spec.outputElement)}"`);
  const condition = spec.completionCondition ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${escape(spec.completionCondition)}</bpmn:completionCondition>` : '';
  return `<bpmn:multiInstanceLoopCharacteristics isSequential="${spec.sequential ? 'true' : 'false'}"><bpmn:extensionElements><zeebe:loopCharacteristics ${attributes.join(' ')}/></bpmn:extensionElements>${condition}</bpmn:multiInstanceLoopCharacteristics>`;
}

export function serviceTask(id: string, type: string, options: TaskOptions = {}): string {
  const retries = options.retries !== undefined ? ` retries="${escape(String(options.retries))}"` : '';
  const headers = options.headers ? `<zeebe:taskHeaders>${Object.entries(options.headers).map(([key, value]) => `<zeebe:header key="${escape(key)}" value="${escape(value)}"/>`).join('')}</zeebe:taskHeaders>` : '';
  const compensation = options.forCompensation ? ' isForCompensation="true"' : '';
  return `<bpmn:serviceTask id="${id}"${compensation}><bpmn:extensionElements><zeebe:taskDefinition type="${escape(type)}"${retries}/>${headers}${ioMapping(options.inputs, options.outputs)}</bpmn:extensionElements>${options.multiInstance ? multiInstance(options.multiInstance) : ''}</bpmn:serviceTask>`;
}

/** A script task with a FEEL expression (zeebe:script). */
export function scriptTask(id: string, expression: string, resultVariable: string, options: Pick<TaskOptions, 'inputs' | 'outputs' | 'multiInstance'> = {}): string {
  return `<bpmn:scriptTask id="${id}"><bpmn:extensionElements><zeebe:script expression="${escape(expression)}" resultVariable="${escape(resultVariable)}"/>${ioMapping(options.inputs, options.outputs)}</bpmn:extensionElements>${options.multiInstance ? multiInstance(options.multiInstance) : ''}</bpmn:scriptTask>`;
}

/** A Camunda user task (zeebe:userTask), optionally linked to a deployed form by id. */
export function userTask(id: string, options: { formId?: string; assignee?: string; candidateGroups?: string; outputs?: readonly Mapping[] } = {}): string {
  const form = options.formId ? `<zeebe:formDefinition formId="${escape(options.formId)}"/>` : '';
  const assignment = options.assignee || options.candidateGroups ? `<zeebe:assignmentDefinition${options.assignee ? ` assignee="${escape(options.assignee)}"` : ''}${options.candidateGroups ? ` candidateGroups="${escape(options.candidateGroups)}"` : ''}/>` : '';
  return `<bpmn:userTask id="${id}"><bpmn:extensionElements><zeebe:userTask/>${form}${assignment}${ioMapping([], options.outputs)}</bpmn:extensionElements></bpmn:userTask>`;
}

/** An element with arbitrary inner XML, e.g. element('bpmn:manualTask', 'manual'). */
export const element = (tag: string, id: string, inner = '', attributes = '') => `<${tag} id="${id}"${attributes ? ` ${attributes}` : ''}>${inner}</${tag}>`;

export const startEvent = (id = 'start', inner = '') => element('bpmn:startEvent', id, inner);
export const endEvent = (id = 'end', inner = '') => element('bpmn:endEvent', id, inner);

export const timerDuration = (duration: string) => `<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${escape(duration)}</bpmn:timeDuration></bpmn:timerEventDefinition>`;
export const timerDate = (date: string) => `<bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">${escape(date)}</bpmn:timeDate></bpmn:timerEventDefinition>`;
export const timerCycle = (cycle: string) => `<bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">${escape(cycle)}</bpmn:timeCycle></bpmn:timerEventDefinition>`;
export const messageRef = (messageId: string) => `<bpmn:messageEventDefinition messageRef="${messageId}"/>`;
export const errorRef = (errorId?: string) => (errorId ? `<bpmn:errorEventDefinition errorRef="${errorId}"/>` : '<bpmn:errorEventDefinition/>');
export const compensateRef = (activityRef?: string) => (activityRef ? `<bpmn:compensateEventDefinition activityRef="${activityRef}"/>` : '<bpmn:compensateEventDefinition/>');
export const terminate = () => '<bpmn:terminateEventDefinition/>';
export const signalRef = (signalId: string) => `<bpmn:signalEventDefinition signalRef="${signalId}"/>`;

/** A boundary event on `attachedTo`; interrupting unless `cancelActivity` is false. */
export const boundaryEvent = (id: string, attachedTo: string, definition: string, cancelActivity = true) =>
  `<bpmn:boundaryEvent id="${id}" attachedToRef="${attachedTo}" cancelActivity="${cancelActivity}">${definition}</bpmn:boundaryEvent>`;

/** Top-level <bpmn:message> with its correlation key expression (none for message start events). */
export const message = (id: string, name: string, correlationKey?: string) =>
  `<bpmn:message id="${id}" name="${escape(name)}">${correlationKey ? `<bpmn:extensionElements><zeebe:subscription correlationKey="${escape(correlationKey)}"/></bpmn:extensionElements>` : ''}</bpmn:message>`;
export const error = (id: string, errorCode: string) => `<bpmn:error id="${id}" name="${escape(errorCode)}" errorCode="${escape(errorCode)}"/>`;
export const signal = (id: string, name: string) => `<bpmn:signal id="${id}" name="${escape(name)}"/>`;

export const subProcess = (id: string, children: readonly string[], options: { triggeredByEvent?: boolean; inputs?: readonly Mapping[]; outputs?: readonly Mapping[]; multiInstance?: MultiInstance } = {}) => {
  const mappings = ioMapping(options.inputs, options.outputs);
  return `<bpmn:subProcess id="${id}"${options.triggeredByEvent ? ' triggeredByEvent="true"' : ''}>${mappings ? `<bpmn:extensionElements>${mappings}</bpmn:extensionElements>` : ''}${options.multiInstance ? multiInstance(options.multiInstance) : ''}${children.join('')}</bpmn:subProcess>`;
};

/** An event subprocess start event; interrupting unless `interrupting` is false. */
export const eventStart = (id: string, definition: string, interrupting = true) => `<bpmn:startEvent id="${id}" isInterrupting="${interrupting}">${definition}</bpmn:startEvent>`;

export const callActivity = (id: string, processId: string, options: { propagateAllChildVariables?: boolean; inputs?: readonly Mapping[]; outputs?: readonly Mapping[] } = {}) =>
  `<bpmn:callActivity id="${id}"><bpmn:extensionElements><zeebe:calledElement processId="${escape(processId)}" propagateAllChildVariables="${options.propagateAllChildVariables ?? true}"/>${ioMapping(options.inputs, options.outputs)}</bpmn:extensionElements></bpmn:callActivity>`;

export const exclusiveGateway = (id: string, defaultFlow?: string) => `<bpmn:exclusiveGateway id="${id}"${defaultFlow ? ` default="${defaultFlow}"` : ''}/>`;
export const parallelGateway = (id: string) => `<bpmn:parallelGateway id="${id}"/>`;
export const eventBasedGateway = (id: string) => `<bpmn:eventBasedGateway id="${id}"/>`;
export const intermediateCatch = (id: string, definition: string) => element('bpmn:intermediateCatchEvent', id, definition);
export const intermediateThrow = (id: string, definition = '') => element('bpmn:intermediateThrowEvent', id, definition);
export const receiveTask = (id: string, messageId: string) => `<bpmn:receiveTask id="${id}" messageRef="${messageId}"/>`;

/** A sequence flow; id defaults to `<from>-<to>`; an optional FEEL condition ("= x > 1"). */
export function flow(from: string, to: string, options: { id?: string; condition?: string } = {}): string {
  const id = options.id ?? `${from}-${to}`;
  const condition = options.condition ? `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escape(options.condition)}</bpmn:conditionExpression>` : '';
  return `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}">${condition}</bpmn:sequenceFlow>`;
}

/** Sequence flows from each id to the next. */
export const chain = (...ids: string[]) => ids.slice(1).map((to, index) => flow(ids[index]!, to));

/** Compensation handlers are linked to their boundary event by an association, not a flow. */
export const association = (from: string, to: string) => `<bpmn:association id="assoc-${from}-${to}" associationDirection="One" sourceRef="${from}" targetRef="${to}"/>`;

/** A deployable BPMN document: one executable process, plus top-level messages/errors/signals. */
export function model(processId: string, elements: readonly string[], definitions: readonly string[] = [], extraProcesses: readonly string[] = []): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="defs-${processId}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="conformance" exporterVersion="1" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="${processId}" isExecutable="true">
    ${elements.join('\n    ')}
  </bpmn:process>
  ${extraProcesses.join('\n  ')}
  ${definitions.join('\n  ')}
</bpmn:definitions>
`;
}

/** The smallest Camunda form (a JSON schema with one text field). */
export const form = (formId: string) => JSON.stringify({ id: formId, type: 'default', schemaVersion: 16, executionPlatform: 'Camunda Cloud', executionPlatformVersion: '8.8.0', components: [{ key: 'note', label: 'Note', type: 'textfield', id: 'Field_note' }] });
