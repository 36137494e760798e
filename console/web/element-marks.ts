// What the diagram marks for one process instance, from its element instances and open incidents:
// active, completed and incident elements, and how often an element ran where it ran more than once
// (a multi-instance activity's inner instances; its body shares the activity's id and is not counted).
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
