// The order's BPMN diagram drawn by bpmn-visualization (Apache-2.0, made for execution overlays),
// with the instance's state on it: CSS classes for active, completed and incident elements, and
// count overlays where an element ran more than once (multi-instance) or holds incidents.
import { BpmnVisualization, FitType } from 'bpmn-visualization';
import type { ElementMarks } from './element-marks.ts';

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
