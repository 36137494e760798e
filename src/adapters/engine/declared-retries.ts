// The retries a deployed model declares for a task (zeebe:taskDefinition retries): what a job
// stopped by a reconciliation case gets back when it is resumed, so a transient failure after the
// resume is retried with backoff like any other, instead of raising an incident at once.

/** Zeebe's own default when a task definition names no retries. */
export const DEFAULT_JOB_RETRIES = 3;

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The literal retries of the element's task definition; the engine default when the definition
 * names none; undefined when the element is not in the model, has no task definition, or its
 * retries are an expression (known only to the engine at run time).
 */
export function declaredRetries(bpmnXml: string, elementId: string): number | undefined {
  const open = new RegExp(`<((?:[\\w-]+:)?\\w+)\\b[^>]*\\bid="${escapeRegExp(elementId)}"[^>]*?(/?)>`).exec(bpmnXml);
  if (!open || open[2] === '/') return undefined;
  const close = bpmnXml.indexOf(`</${open[1]}>`, open.index);
  if (close < 0) return undefined;
  // tasks hold no other tasks: the first task definition inside the element is its own
  const definition = /<(?:[\w-]+:)?taskDefinition\b([^>]*)>/.exec(bpmnXml.slice(open.index + open[0].length, close));
  if (!definition) return undefined;
  const retries = /\bretries="([^"]*)"/.exec(definition[1] ?? '');
  if (!retries) return DEFAULT_JOB_RETRIES;
  return /^\s*\d+\s*$/.test(retries[1] ?? '') ? Number(retries[1]) : undefined;
}
