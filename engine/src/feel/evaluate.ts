// FEEL evaluation for the runtime: `=`-prefixed model attributes are FEEL expressions, anything
// else is a static value. Results are plain JSON (temporal values become ISO strings). A missing
// variable is null, as in Camunda's FEEL; the caller decides whether the result's type fits.
import { evaluate as feelEvaluate, unaryTest as feelUnaryTest } from 'feelin';
import { camundaBuiltins } from './builtins.ts';

export type FeelResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

export const isExpression = (text: string | undefined): text is string => typeof text === 'string' && text.trimStart().startsWith('=');

const body = (expression: string): string => expression.trimStart().slice(1);

/** Converts feelin's values (temporals, functions, ranges) to JSON values. */
export function toJsonValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    const iso = (value as { iso?: unknown }).iso;
    if (typeof iso === 'string') return iso;
    if (typeof (value as { toString?: unknown }).toString === 'function' && value.constructor !== Object) {
      const text = String(value);
      if (text !== '[object Object]') return text;
    }
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toJsonValue(inner);
    return out;
  }
  return null;
}

/** Evaluates a FEEL expression (without its `=`) against a variable context. */
export function evaluateFeel(expression: string, variables: Record<string, unknown>, now: number): FeelResult {
  try {
    const { value } = feelEvaluate(expression, { ...camundaBuiltins(now), ...variables });
    return { ok: true, value: toJsonValue(value) };
  } catch (error) {
    return { ok: false, message: `failed to evaluate expression '${expression}': ${(error as Error).message}` };
  }
}

/** A model attribute: FEEL when it starts with `=`, else the literal text. */
export function evaluateAttribute(text: string, variables: Record<string, unknown>, now: number): FeelResult {
  return isExpression(text) ? evaluateFeel(body(text), variables, now) : { ok: true, value: text };
}

/** Unary tests (input entries) against one value, `?` bound to it. */
export function evaluateUnaryTest(tests: string, input: unknown, variables: Record<string, unknown>): FeelResult {
  try {
    const { value } = feelUnaryTest(tests, { ...variables, '?': input });
    return { ok: true, value };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

export const expressionText = (text: string): string => (isExpression(text) ? body(text) : text);
