// The console's reading of a Camunda form: the project's forms parse, their fields are found, and
// the validation they declare (required, lengths, bounds, pattern) refuses what it should.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isField, parseFormSchema, validationError, type FormComponent } from '../../console/web/form/form-schema.ts';

const formsDir = path.resolve(import.meta.dirname, '..', '..', 'bpmn', 'forms');

test.each(readdirSync(formsDir).filter((name) => name.endsWith('.form')))('%s: every component is a type the console renders', (name) => {
  const schema = parseFormSchema(readFileSync(path.join(formsDir, name), 'utf8'));
  const types = schema.components.map((component) => component.type);
  expect(types.filter((type) => !['text', 'textfield', 'textarea', 'number', 'select', 'radio', 'checkbox', 'checklist', 'datetime'].includes(type))).toEqual([]);
  expect(schema.components.filter(isField).length).toBeGreaterThan(0);
});

test('validation as the form declares it', () => {
  const field = (type: string, validate: FormComponent['validate']): FormComponent => ({ type, key: 'k', validate });
  expect(validationError(field('radio', { required: true }), '')).toBe('required');
  expect(validationError(field('radio', { required: true }), 'RETRY')).toBeUndefined();
  expect(validationError(field('checkbox', { required: true }), false)).toBe('required');
  expect(validationError(field('checklist', { required: true }), [])).toBe('required');
  expect(validationError(field('textarea', { maxLength: 3 }), 'abcd')).toBe('at most 3 characters');
  expect(validationError(field('textfield', { minLength: 2 }), 'a')).toBe('at least 2 characters');
  expect(validationError(field('textfield', { pattern: '[A-Z]+' }), 'abc')).toBe('must match [A-Z]+');
  expect(validationError(field('number', { min: 1, max: 5 }), 9)).toBe('at most 5');
  expect(validationError(field('number', {}), Number.NaN)).toBe('a number is required');
  expect(validationError(field('textarea', { maxLength: 2000 }), '')).toBeUndefined();
});

test('a form without components is refused', () => {
  expect(() => parseFormSchema('{"id":"x"}')).toThrow('no components');
});
