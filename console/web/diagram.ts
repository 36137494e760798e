// The order's BPMN diagram drawn by bpmn-visualization (Apache-2.0, made for execution overlays),
// with the instance's state on it: CSS classes for active, completed and incident elements, and
// count overlays where an element ran more than once (multi-instance) or holds incidents.
import { BpmnVisualization, FitType } from 'bpmn-visualization';

export interface ElementInstance {
  readonly elementId: string;
  readonly type: string;
  readonly state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  readonly hasIncident?: boolean;
}

export interface ElementMarks {
  readonly active: string[];
  readonly completed: string[];
  readonly incident: string[];
  /** per element run more than once: how many instances, how many completed */
  readonly counts: Map<string, { total: number; completed: number; active: number }>;
}

/** What to mark, from the instance's element instances and its open incidents. */
export function marksOf(instances: readonly ElementInstance[], incidentElementIds: readonly string[]): ElementMarks {
  const byElement = new Map<string, ElementInstance[]>();
  // a multi-instance body shares its activity's id: its inner instances are the ones to count
  for (const instance of instances.filter((entry) => entry.type !== 'MULTI_INSTANCE_BODY' && entry.type !== 'PROCESS')) {
    byElement.set(instance.elementId, [...(byElement.get(instance.elementId) ?? []), instance]);
  }
  const incident = new Set([...incidentElementIds, ...instances.filter((entry) => entry.hasIncident && entry.state === 'ACTIVE').map((entry) => entry.elementId)]);
  const marks: ElementMarks = { active: [], completed: [], incident: [...incident], counts: new Map() };
  for (const [elementId, runs] of byElement) {
    const active = runs.filter((run) => run.state === 'ACTIVE').length;
    const completed = runs.filter((run) => run.state === 'COMPLETED').length;
    if (active > 0 && !incident.has(elementId)) marks.active.push(elementId);
    else if (active === 0 && completed > 0) marks.completed.push(elementId);
    if (runs.length > 1) marks.counts.set(elementId, { total: runs.length, completed, active });
  }
  return marks;
}

export function drawDiagram(container: HTMLElement, xml: string, marks: ElementMarks): void {
  container.replaceChildren();
  const diagram = new BpmnVisualization({ container, navigation: { enabled: true } });
  diagram.load(xml, { fit: { type: FitType.Center, margin: 20 } });
  const registry = diagram.bpmnElementsRegistry;
  const known = new Set(registry.getElementsByIds([...marks.active, ...marks.completed, ...marks.incident, ...marks.counts.keys()]).map((element) => element.bpmnSemantic.id));
  const present = (ids: readonly string[]) => ids.filter((id) => known.has(id));
  registry.addCssClasses(present(marks.completed), 'state-completed');
  registry.addCssClasses(present(marks.active), 'state-active');
  registry.addCssClasses(present(marks.incident), 'state-incident');
  for (const [elementId, count] of marks.counts) {
    if (!known.has(elementId)) continue;
    registry.addOverlays(elementId, {
      position: 'top-right',
      label: count.active > 0 ? `${count.completed}/${count.total} ▶${count.active}` : `×${count.total}`,
      style: { font: { color: '#fff', size: 16 }, fill: { color: '#1f5fa8' }, stroke: { color: '#1f5fa8' } },
    });
  }
  for (const elementId of present(marks.incident)) {
    registry.addOverlays(elementId, { position: 'bottom-left', label: '!', style: { font: { color: '#fff', size: 14 }, fill: { color: '#c62828' }, stroke: { color: '#c62828' } } });
  }
}
