// Changes between two versions of a BPMN model, classified as seed 004 §20.4 says: a renamed or
// removed activity id breaks running instances and their migration; a new path changes behaviour;
// a label is cosmetic; a timer is business behaviour (policy approval); job types, messages, error
// codes and variables written are contracts with workers and publishers (breaking).
import type { BpmnElement, BpmnModel } from '../check/bpmn-model.ts';
import type { ContractChange } from './change.ts';

/** Elements where a process instance waits (and so may sit when a new version is deployed). */
const WAIT_STATES = new Set(['UserTask', 'ReceiveTask', 'IntermediateCatchEvent', 'EventBasedGateway', 'ServiceTask', 'SendTask', 'BusinessRuleTask', 'ScriptTask', 'CallActivity', 'SubProcess', 'ManualTask', 'Task']);
const NOT_NODES = new Set(['SequenceFlow', 'Association', 'TextAnnotation', 'Group', 'DataObject', 'DataObjectReference', 'DataStoreReference']);
const json = (v: unknown) => JSON.stringify(v ?? null);

function renames(removed: BpmnElement[], added: BpmnElement[]): Map<string, BpmnElement> {
  const pairs = new Map<string, BpmnElement>();
  for (const r of removed) {
    const twin = added.find(
      (a) =>
        ![...pairs.values()].includes(a) &&
        a.type === r.type &&
        a.processId === r.processId &&
        ((r.jobType !== undefined && a.jobType === r.jobType && a.name === r.name) ||
          (r.name !== undefined && r.name !== '' && a.name === r.name) ||
          (r.type === 'SequenceFlow' && a.sourceRef === r.sourceRef && a.targetRef === r.targetRef)),
    );
    if (twin) pairs.set(r.id, twin);
  }
  return pairs;
}

export function bpmnChanges(display: string, before: BpmnModel | undefined, after: BpmnModel | undefined): ContractChange[] {
  const out: ContractChange[] = [];
  const add = (element: string, change: string, classification: ContractChange['classification'], note?: string) => out.push({ contract: 'bpmn', file: display, element, change, classification, note });
  if (!before && !after) return out;
  if (!before) return [{ contract: 'bpmn', file: display, element: '(model)', change: 'new model', classification: 'behaviour-change', note: 'new processes: deploy and test' }];
  if (!after) return [{ contract: 'bpmn', file: display, element: '(model)', change: 'model removed', classification: 'breaking', note: 'running instances of its processes lose their definition owner' }];

  for (const p of before.processes) if (!after.processes.some((q) => q.id === p.id)) add(p.id, 'process removed (or its id renamed)', 'breaking', 'starters and running instances refer to the process id');
  for (const p of after.processes) if (!before.processes.some((q) => q.id === p.id)) add(p.id, 'process added', 'behaviour-change');

  const oldById = new Map(before.elements.map((e) => [e.id, e]));
  const newById = new Map(after.elements.map((e) => [e.id, e]));
  const removed = before.elements.filter((e) => !newById.has(e.id));
  const added = after.elements.filter((e) => !oldById.has(e.id));
  const renamed = renames(removed, added);

  for (const [oldId, twin] of renamed) {
    const el = oldById.get(oldId) as BpmnElement;
    if (el.type === 'SequenceFlow') add(oldId, `sequence flow id renamed to ${twin.id}`, 'breaking', 'ids are what Operate, incidents and process instance migration refer to');
    else add(oldId, `${el.type} id renamed to ${twin.id}`, 'breaking', 'running instances at it and migration plans refer to the id: avoid, or plan a migration');
  }
  for (const el of removed.filter((e) => !renamed.has(e.id))) {
    if (el.type === 'SequenceFlow') add(el.id, 'path removed', 'behaviour-change', 'test the remaining paths');
    else if (NOT_NODES.has(el.type)) add(el.id, `${el.type} removed`, 'cosmetic');
    else if (WAIT_STATES.has(el.type)) add(el.id, `${el.type} removed (a wait state)`, 'breaking', 'high risk: active instances waiting here cannot continue without a migration plan');
    else add(el.id, `${el.type} removed`, 'breaking', 'instances at it need a migration plan');
  }
  const renamedTo = new Set([...renamed.values()].map((e) => e.id));
  for (const el of added.filter((e) => !renamedTo.has(e.id))) {
    if (NOT_NODES.has(el.type) && el.type !== 'SequenceFlow') add(el.id, `${el.type} added`, 'cosmetic');
    else add(el.id, el.type === 'SequenceFlow' ? 'new path' : `${el.type} added (new path)`, 'behaviour-change', 'test it; decide what running instances do');
  }

  // elements in both versions (renamed ones compared with their new selves)
  const pairs: [BpmnElement, BpmnElement][] = [
    ...before.elements.flatMap((e): [BpmnElement, BpmnElement][] => (newById.has(e.id) ? [[e, newById.get(e.id) as BpmnElement]] : [])),
    ...[...renamed].map(([id, twin]): [BpmnElement, BpmnElement] => [oldById.get(id) as BpmnElement, twin]),
  ];
  for (const [a, b] of pairs) {
    const id = b.id;
    if ((a.name ?? '') !== (b.name ?? '')) add(id, `label "${a.name ?? ''}" → "${b.name ?? ''}"`, 'cosmetic');
    if (a.type !== b.type) add(id, `type ${a.type} → ${b.type}`, 'breaking', 'running instances at it need a migration plan');
    if (a.jobType !== b.jobType) add(id, `job type ${a.jobType ?? '-'} → ${b.jobType ?? '-'}`, 'breaking', 'jobs already created keep the old type: keep its worker until they drained');
    if (json(a.timers) !== json(b.timers)) add(id, `timer ${a.timers.map((t) => t.expression).join(', ') || '-'} → ${b.timers.map((t) => t.expression).join(', ') || '-'}`, 'business-behaviour', 'a deadline or cycle changed: needs business/policy approval');
    if ((a.condition ?? '') !== (b.condition ?? '')) add(id, `condition ${a.condition ?? '-'} → ${b.condition ?? '-'}`, 'behaviour-change');
    const same = (x: string | undefined, y: string | undefined) => (x === undefined ? undefined : (renamed.get(x)?.id ?? x)) === y;
    if (!same(a.sourceRef, b.sourceRef) || !same(a.targetRef, b.targetRef) || !same(a.attachedTo, b.attachedTo)) add(id, 'rewired', 'behaviour-change');
    if (a.messageName !== b.messageName) add(id, `message ${a.messageName ?? '-'} → ${b.messageName ?? '-'}`, 'breaking', 'publishers send the old name');
    if (a.errorCode !== b.errorCode) add(id, `error code ${a.errorCode ?? '-'} → ${b.errorCode ?? '-'}`, 'breaking');
    const targets = (e: BpmnElement) => [...e.outputs.map((m) => m.target), e.loop?.outputCollection ?? ''].filter(Boolean).sort();
    const lost = targets(a).filter((t) => !targets(b).includes(t));
    if (lost.length) add(id, `no longer writes variable(s) ${lost.join(', ')}${targets(b).filter((t) => !targets(a).includes(t)).length ? ` (now ${targets(b).filter((t) => !targets(a).includes(t)).join(', ')})` : ''}`, 'breaking', 'a renamed variable breaks every reader: add, bridge, migrate, then remove (seed 004 §23)');
    else if (json([a.inputs, a.outputs, a.loop]) !== json([b.inputs, b.outputs, b.loop])) add(id, 'variable mappings changed', 'behaviour-change');
    if (json(a.headers) !== json(b.headers)) add(id, `headers ${json(a.headers)} → ${json(b.headers)}`, 'behaviour-change');
    if (a.retries !== b.retries) add(id, `retries ${a.retries ?? '-'} → ${b.retries ?? '-'}`, 'behaviour-change');
    if (a.formId !== b.formId) add(id, `form ${a.formId ?? '-'} → ${b.formId ?? '-'}`, 'behaviour-change');
    if (a.cancelActivity !== b.cancelActivity || a.isInterrupting !== b.isInterrupting) add(id, 'interrupting ↔ non-interrupting', 'behaviour-change');
  }

  for (const m of before.messages) {
    const now = after.messages.find((x) => x.id === m.id);
    if (now && now.name !== m.name) add(m.id, `message name ${m.name} → ${now.name}`, 'breaking', 'publishers send the old name');
    if (now && (now.correlationKey ?? '') !== (m.correlationKey ?? '')) add(m.id, `correlation key ${m.correlationKey ?? '-'} → ${now.correlationKey ?? '-'}`, 'breaking', 'messages in flight correlate by the old key');
  }
  for (const e of before.errors) {
    const now = after.errors.find((x) => x.id === e.id);
    if (now && now.errorCode !== e.errorCode) add(e.id, `error code ${e.errorCode ?? '-'} → ${now.errorCode ?? '-'}`, 'breaking', 'workers throw the old code');
  }
  return out;
}
