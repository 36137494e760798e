// Camunda forms (bpmn/forms/*.form) as the checks need them: which variable each field shows or
// asks for, and the values a radio or select field offers.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface FormField {
  readonly id: string;
  readonly key: string;
  readonly type: string;
  readonly readonly: boolean;
  readonly values: readonly string[] | undefined;
}

export interface Form {
  readonly id: string;
  readonly file: string;
  readonly fields: readonly FormField[];
}

type Component = { id?: string; key?: string; type?: string; readonly?: unknown; values?: { value?: unknown }[]; components?: Component[] };

function fieldsOf(components: readonly Component[] | undefined): FormField[] {
  return (components ?? []).flatMap((c) => [
    ...(typeof c.key === 'string'
      ? [{ id: c.id ?? c.key, key: c.key, type: c.type ?? '', readonly: c.readonly === true, values: Array.isArray(c.values) ? c.values.map((v) => String(v.value)) : undefined }]
      : []),
    ...fieldsOf(c.components),
  ]);
}

/** Every form of `<bpmnDir>/forms`, by form id. */
export function loadForms(bpmnDir: string): Map<string, Form> {
  const dir = path.join(bpmnDir, 'forms');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.form')).sort();
  } catch {
    return new Map();
  }
  const forms = new Map<string, Form>();
  for (const name of files) {
    const file = path.join(dir, name);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { id?: string; components?: Component[] };
    const id = json.id ?? name.replace(/\.form$/, '');
    forms.set(id, { id, file, fields: fieldsOf(json.components) });
  }
  return forms;
}
