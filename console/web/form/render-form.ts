// Renders a Camunda form from its JSON with plain DOM: each field a labelled input carrying the
// form's constraints, prefilled from the task's variables; collect() returns the variables to
// complete the task with, or the fields whose values the form's validation refuses.
import { h, type Child } from '../dom.ts';
import { isField, validationError, type FormComponent, type FormSchema } from './form-schema.ts';

export type Collected = { readonly kind: 'valid'; readonly variables: Record<string, unknown> } | { readonly kind: 'invalid'; readonly errors: Record<string, string> };

export interface RenderedForm {
  readonly element: HTMLElement;
  collect(): Collected;
}

interface FieldControl {
  readonly component: FormComponent & { key: string };
  readonly read: () => unknown;
  readonly error: HTMLElement;
}

export function renderForm(schema: FormSchema, values: Readonly<Record<string, unknown>>, options: { readonly readOnly: boolean }): RenderedForm {
  const controls: FieldControl[] = [];
  const parts: Child[] = schema.components.map((component) => {
    if (component.type === 'text') return textBlock(component.text ?? '');
    if (!isField(component)) return h('p', { class: 'hint' }, `(a ${component.type} field is not shown by the console)`);
    const control = fieldOf(component, values[component.key] ?? component.defaultValue, options.readOnly || component.readonly === true || component.disabled === true);
    controls.push(control.field);
    return control.element;
  });
  return {
    element: h('div', { class: 'task-form', testid: 'task-form' }, parts),
    collect() {
      const variables: Record<string, unknown> = {};
      const errors: Record<string, string> = {};
      for (const { component, read, error } of controls) {
        if (component.readonly || component.disabled) continue;
        const value = read();
        const problem = validationError(component, value);
        error.textContent = problem ?? '';
        if (problem) errors[component.key] = problem;
        else if (value !== undefined && value !== '') variables[component.key] = value;
      }
      return Object.keys(errors).length > 0 ? { kind: 'invalid', errors } : { kind: 'valid', variables };
    },
  };
}

/** The form's text (markdown in Camunda): headings and paragraphs as text, never as HTML. */
function textBlock(text: string): HTMLElement {
  return h('div', { class: 'form-text' }, text.split('\n').filter((line) => line.trim() !== '').map((line) => {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    return heading ? h('h3', {}, heading[2] ?? '') : h('p', {}, line.replace(/\*\*|__/g, ''));
  }));
}

const asText = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

function fieldOf(component: FormComponent & { key: string }, value: unknown, readOnly: boolean): { element: HTMLElement; field: FieldControl } {
  const rules = component.validate ?? {};
  const id = `field-${component.key}`;
  const common = { id, name: component.key, disabled: readOnly, required: rules.required === true, 'aria-describedby': `${id}-error` };
  const error = h('span', { class: 'field-error', id: `${id}-error`, testid: `form-error-${component.key}`, role: 'alert' });
  let input: HTMLElement;
  let read: () => unknown;
  switch (component.type) {
    case 'textarea': {
      const area = h('textarea', { ...common, rows: 4, maxlength: rules.maxLength, minlength: rules.minLength });
      area.value = asText(value);
      input = area;
      read = () => area.value;
      break;
    }
    case 'number': {
      const box = h('input', { ...common, type: 'number', min: rules.min, max: rules.max, step: 'any', value: asText(value) });
      input = box;
      read = () => (box.value === '' ? undefined : Number(box.value));
      break;
    }
    case 'select': {
      const select = h('select', common, h('option', { value: '' }, '–'), (component.values ?? []).map((option) => h('option', { value: option.value, selected: option.value === value }, option.label)));
      input = select;
      read = () => select.value;
      break;
    }
    case 'radio': {
      const radios = (component.values ?? []).map((option) => h('input', { type: 'radio', name: component.key, value: option.value, checked: option.value === value, disabled: readOnly, testid: `form-option-${component.key}-${option.value}` }));
      input = h('div', { class: 'choices', role: 'radiogroup', id }, radios.map((radio, index) => h('label', {}, radio, ` ${component.values?.[index]?.label ?? ''}`)));
      read = () => radios.find((radio) => radio.checked)?.value ?? '';
      break;
    }
    case 'checkbox': {
      const box = h('input', { ...common, type: 'checkbox', checked: value === true });
      input = box;
      read = () => box.checked;
      break;
    }
    case 'checklist': {
      const chosen = Array.isArray(value) ? value : [];
      const boxes = (component.values ?? []).map((option) => h('input', { type: 'checkbox', name: component.key, value: option.value, checked: chosen.includes(option.value), disabled: readOnly, testid: `form-option-${component.key}-${option.value}` }));
      input = h('div', { class: 'choices', id }, boxes.map((box, index) => h('label', {}, box, ` ${component.values?.[index]?.label ?? ''}`)));
      read = () => boxes.filter((box) => box.checked).map((box) => box.value);
      break;
    }
    case 'datetime': {
      const kind = component.subtype === 'date' ? 'date' : component.subtype === 'time' ? 'time' : 'datetime-local';
      const box = h('input', { ...common, type: kind, value: asText(value) });
      input = box;
      read = () => box.value;
      break;
    }
    default: {
      const box = h('input', { ...common, type: 'text', maxlength: rules.maxLength, minlength: rules.minLength, pattern: rules.pattern, value: asText(value) });
      input = box;
      read = () => box.value;
    }
  }
  const element = h('div', { class: 'form-field', testid: `form-field-${component.key}` },
    h('label', { for: id }, component.label ?? component.key, rules.required && h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    input,
    component.description && h('small', { class: 'hint' }, component.description),
    error,
  );
  return { element, field: { component, read, error } };
}
