// A Camunda form (the JSON of bpmn/forms/*.form, schemaVersion 16) as far as the console renders
// it: the field types of the project's forms and the common ones, with the validation they declare.
export const FIELD_TYPES = ['text', 'textfield', 'textarea', 'number', 'select', 'radio', 'checkbox', 'checklist', 'datetime'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FormOption {
  readonly label: string;
  readonly value: string;
}

export interface FormValidation {
  readonly required?: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
}

export interface FormComponent {
  readonly id?: string;
  readonly type: string;
  readonly key?: string;
  readonly label?: string;
  readonly description?: string;
  readonly text?: string;
  readonly readonly?: boolean;
  readonly disabled?: boolean;
  readonly defaultValue?: unknown;
  readonly values?: readonly FormOption[];
  readonly validate?: FormValidation;
  /** datetime: date, time or datetime */
  readonly subtype?: string;
}

export interface FormSchema {
  readonly id?: string;
  readonly components: readonly FormComponent[];
}

/** The engine hands the form's schema over as a JSON string (REST v2 FormResult.schema). */
export function parseFormSchema(schema: unknown): FormSchema {
  const parsed: unknown = typeof schema === 'string' ? JSON.parse(schema) : schema;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { components?: unknown }).components)) {
    throw new Error('the form has no components');
  }
  return parsed as FormSchema;
}

export const isField = (component: FormComponent): component is FormComponent & { key: string } =>
  typeof component.key === 'string' && component.key !== '' && component.type !== 'text' && (FIELD_TYPES as readonly string[]).includes(component.type);

/** The problem with one field's value, or undefined when the form's validation accepts it. */
export function validationError(component: FormComponent, value: unknown): string | undefined {
  const rules = component.validate ?? {};
  const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0) || (component.type === 'checkbox' && value === false);
  if (empty) return rules.required ? 'required' : undefined;
  if (typeof value === 'string') {
    if (rules.minLength !== undefined && value.length < rules.minLength) return `at least ${rules.minLength} characters`;
    if (rules.maxLength !== undefined && value.length > rules.maxLength) return `at most ${rules.maxLength} characters`;
    if (rules.pattern !== undefined && !new RegExp(`^(?:${rules.pattern})$`).test(value)) return `must match ${rules.pattern}`;
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'a number is required';
    if (rules.min !== undefined && value < rules.min) return `at least ${rules.min}`;
    if (rules.max !== undefined && value > rules.max) return `at most ${rules.max}`;
  }
  return undefined;
}
