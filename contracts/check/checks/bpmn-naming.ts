// BPMN naming rules (seed 004 §5, §13.3): names are contracts. Ids are what Operate, incidents,
// migrations and tests refer to, so they must say what the element is, and never be the Modeler's
// random ids (renaming one later is a breaking change, seed 004 §20.4).
//   process ids          kebab-case                          order-fulfillment
//   element ids          <Kind>_<PascalCaseMeaning>          ServiceTask_ActivateBilling
//   diagram shapes/edges Shape_<element id> / Edge_<element id>
//   message names        PascalCase                          OrderAccepted
//   error codes          UPPER_SNAKE                         BILLING_REJECTED
//   job types            <system>.<action>.v<N>              billing.activate-subscription.v1
//   variables            lowerCamelCase                      provisioningTaskId
import type { BpmnModel, DocumentId } from '../bpmn-model.ts';
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { Findings } from '../finding.ts';
import { shown } from '../sources.ts';

export const PROCESS_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const PASCAL_CASE = /^[A-Z][a-z0-9]*([A-Z][a-z0-9]*)*$/;
export const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
export const JOB_TYPE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z][a-z0-9]*(-[a-z0-9]+)*\.v[0-9]+$/;
export const VARIABLE = /^[a-z][A-Za-z0-9]*$/;
/** the Modeler's generated ids: Activity_0x1abcd, Flow_1k2l3m4, Gateway_0abcdef, Event_…, …_di */
export const MODELER_ID = /^(Activity|Flow|Gateway|Event|StartEvent|EndEvent|Task|SequenceFlow|Process|DataObject|Participant|Collaboration|Lane|TextAnnotation|Association|Message|Error|Signal|Escalation|Definitions|[A-Za-z]+)_[0-9a-z]{7}(_di)?$/;

/** A random-looking id part: the Modeler's 7 characters, a hex run, or letters and digits mixed. */
export function looksGenerated(id: string): boolean {
  if (MODELER_ID.test(id) || id.endsWith('_di')) return true;
  const last = id.split(/[_-]/).at(-1) ?? '';
  return /^[0-9a-f]{8,}$/i.test(last) || /^(?=[0-9a-z]*[0-9])(?=[0-9a-z]*[a-z])[0-9a-z]{5,}$/.test(last);
}

/** The <Kind> an id must start with, by element type. */
function expectedKinds(el: DocumentId): readonly string[] {
  const type = el.type.replace(/^[a-z]+:/, '');
  if (type === 'SequenceFlow') return ['Flow'];
  if (type === 'MessageFlow') return ['MessageFlow', 'Flow'];
  if (type.endsWith('Gateway')) return ['Gateway'];
  if (type === 'SubProcess') return el.triggeredByEvent ? ['EventSubProcess'] : ['SubProcess'];
  if (type === 'AdHocSubProcess') return ['SubProcess'];
  if (type === 'BPMNLabel') return ['Label'];
  return [type];
}

export function idProblem(el: DocumentId): string | undefined {
  const type = el.type.replace(/^[a-z]+:/, '');
  // a diagram shape or edge is named after what it draws (whose own id is judged on its own)
  if (type === 'BPMNShape' || type === 'BPMNEdge') {
    const expected = `${type === 'BPMNShape' ? 'Shape' : 'Edge'}_${el.bpmnElement ?? ''}`;
    return el.id === expected ? undefined : `diagram ${type} id ${el.id} should be ${expected} (it draws ${el.bpmnElement ?? 'nothing'})`;
  }
  if (looksGenerated(el.id)) return `${type} id ${el.id} is a generated id: give it a meaningful <Kind>_<Meaning> id`;
  if (type === 'Process') return PROCESS_ID.test(el.id) ? undefined : `process id ${el.id} is not kebab-case`;
  const kinds = expectedKinds(el);
  const [kind, meaning, ...rest] = el.id.split('_');
  if (rest.length || !kind || !meaning || !kinds.includes(kind) || !PASCAL_CASE.test(meaning)) {
    return `${type} id ${el.id} does not follow ${kinds.map((k) => `${k}_<PascalCaseMeaning>`).join(' or ')}`;
  }
  return undefined;
}

function checkModel(model: BpmnModel, file: string, f: Findings): void {
  for (const el of model.ids) {
    const problem = idProblem(el);
    if (problem) f.add(file, el.id, problem);
  }
  for (const m of model.messages) if (!PASCAL_CASE.test(m.name)) f.add(file, m.id, `message name "${m.name}" is not PascalCase`);
  for (const e of model.errors) {
    if (!e.errorCode) f.add(file, e.id, 'error has no errorCode');
    else if (!UPPER_SNAKE.test(e.errorCode)) f.add(file, e.id, `error code "${e.errorCode}" is not UPPER_SNAKE`);
  }
  for (const el of model.elements) {
    if (el.jobType !== undefined && !JOB_TYPE.test(el.jobType)) f.add(file, el.id, `job type "${el.jobType}" does not follow <system>.<action>.v<N>`);
    const written = [...el.inputs, ...el.outputs].map((m) => m.target);
    if (el.loop?.inputElement) written.push(el.loop.inputElement);
    if (el.loop?.outputCollection) written.push(el.loop.outputCollection);
    for (const v of written) if (v && !VARIABLE.test(v)) f.add(file, el.id, `variable "${v}" is not lowerCamelCase`);
    if (el.formId !== undefined && !PROCESS_ID.test(el.formId)) f.add(file, el.id, `form id "${el.formId}" is not kebab-case`);
  }
}

export const bpmnNaming: ContractCheck = {
  name: 'bpmn-naming',
  title: 'BPMN ids, messages, error codes, job types and variables follow the naming rules',
  async run({ sources, models }: CheckInputs) {
    const f = new Findings(this.name);
    for (const model of models) checkModel(model, shown(sources, model.file), f);
    return f.result(this.title, `${models.length} model(s)`);
  },
};
