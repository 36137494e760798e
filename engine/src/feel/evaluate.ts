// FEEL evaluation for the runtime: `=`-prefixed model attributes are FEEL expressions, anything
// else is a static value. Results are plain JSON (temporal values become ISO strings). A missing
// variable is null, as in Camunda's FEEL; the caller decides whether the result's type fits.
//
// Speed: feelin parses every call and deep-copies its context, so the context handed to it holds
// only the variables the expression names (and the built-ins it names). The shapes most model
// attributes have (a variable, a path, null, a literal) skip feelin altogether.
import { evaluate as feelEvaluate, unaryTest as feelUnaryTest } from 'feelin';
import { camundaBuiltins } from './builtins.ts';

export type FeelResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** a variable's value, or undefined when no scope holds it */
export type VariableLookup = (name: string) => unknown;

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

type Simple = { readonly kind: 'literal'; readonly value: unknown } | { readonly kind: 'path'; readonly head: string; readonly rest: readonly string[] };

type Compiled =
  | Simple
  | { readonly kind: 'context'; readonly entries: readonly (readonly [string, Simple])[] }
  | { readonly kind: 'feel'; readonly names: readonly string[]; readonly builtins: readonly string[]; readonly definedChecks: readonly string[] };

const BUILTIN_NAMES = Object.keys(camundaBuiltins(0));
const PATH = /^\s*([A-Za-z_][\w]*)((?:\.[A-Za-z_][\w]*)*)\s*$/;
const KEYWORDS = new Set(['null', 'true', 'false', 'and', 'or', 'not', 'in', 'some', 'every', 'satisfies', 'if', 'then', 'else', 'for', 'return', 'between', 'instance', 'of', 'function']);
const compiled = new Map<string, Compiled>();
/** `is defined(path)`: answered from the scopes (feelin hands a missing variable in as null) */
const IS_DEFINED = /is defined\(\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\)/g;

function isDefinedPath(path: string, lookup: VariableLookup): boolean {
  const [head, ...rest] = path.split('.');
  let value = lookup(head!);
  if (value === undefined) return false;
  for (const key of rest) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return true;
}

function compileSimple(trimmed: string): Simple | undefined {
  const path = PATH.exec(trimmed);
  if (trimmed === 'null') return { kind: 'literal', value: null };
  if (trimmed === 'true' || trimmed === 'false') return { kind: 'literal', value: trimmed === 'true' };
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return { kind: 'literal', value: Number(trimmed) };
  if (/^"[^"\\]*"$/.test(trimmed)) return { kind: 'literal', value: trimmed.slice(1, -1) };
  if (path && !KEYWORDS.has(path[1]!)) return { kind: 'path', head: path[1]!, rest: path[2] ? path[2].slice(1).split('.') : [] };
  return undefined;
}

/** `{a: b, c: d.e}`: a context of simple entries */
function compileContext(trimmed: string): Compiled | undefined {
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}') || /[{}"\[\]()]/.test(trimmed.slice(1, -1))) return undefined;
  const entries: (readonly [string, Simple])[] = [];
  for (const part of trimmed.slice(1, -1).split(',')) {
    const match = /^\s*([A-Za-z_][\w]*)\s*:(.*)$/.exec(part);
    const value = match ? compileSimple(match[2]!.trim()) : undefined;
    if (!match || !value) return undefined;
    entries.push([match[1]!, value]);
  }
  return { kind: 'context', entries };
}

function compile(expression: string): Compiled {
  const cached = compiled.get(expression);
  if (cached) return cached;
  let result: Compiled | undefined;
  const trimmed = expression.trim();
  result = compileSimple(trimmed) ?? compileContext(trimmed);
  if (!result) {
    const names = new Set(trimmed.match(/[A-Za-z_][\w]*/g) ?? []);
    for (const keyword of KEYWORDS) names.delete(keyword);
    const definedChecks = [...trimmed.matchAll(IS_DEFINED)].map((match) => match[1]!);
    result = { kind: 'feel', names: [...names], builtins: BUILTIN_NAMES.filter((name) => trimmed.includes(name)), definedChecks };
  }
  if (compiled.size > 10_000) compiled.clear();
  compiled.set(expression, result);
  return result;
}

function evaluateSimple(plan: Simple, lookup: VariableLookup): unknown {
  if (plan.kind === 'literal') return plan.value;
  let value = lookup(plan.head);
  for (const key of plan.rest) value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  return value === undefined ? null : value;
}

/** Evaluates a FEEL expression (without its `=`), reading variables through `lookup`. */
export function evaluateWith(expression: string, lookup: VariableLookup, now: number): FeelResult {
  const plan = compile(expression);
  if (plan.kind === 'literal' || plan.kind === 'path') return { ok: true, value: evaluateSimple(plan, lookup) };
  if (plan.kind === 'context') {
    const value: Record<string, unknown> = {};
    for (const [key, entry] of plan.entries) value[key] = evaluateSimple(entry, lookup);
    return { ok: true, value };
  }
  const context: Record<string, unknown> = {};
  if (plan.builtins.length > 0) {
    const builtins = camundaBuiltins(now);
    for (const name of plan.builtins) context[name] = builtins[name];
  }
  for (const name of plan.names) {
    const value = lookup(name);
    if (value !== undefined) context[name] = value;
  }
  let text = expression;
  if (plan.definedChecks.length > 0) text = expression.replace(IS_DEFINED, (_match, path: string) => String(isDefinedPath(path, lookup)));
  try {
    const { value } = feelEvaluate(text, context);
    return { ok: true, value: toJsonValue(value) };
  } catch (error) {
    return { ok: false, message: `failed to evaluate expression '${expression}': ${(error as Error).message}` };
  }
}

const fromObject = (variables: Record<string, unknown>): VariableLookup => (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined);

/** Evaluates a FEEL expression (without its `=`) against a variable context. */
export function evaluateFeel(expression: string, variables: Record<string, unknown>, now: number): FeelResult {
  return evaluateWith(expression, fromObject(variables), now);
}

/** A model attribute: FEEL when it starts with `=`, else the literal text. */
export function evaluateAttribute(text: string, variables: Record<string, unknown> | VariableLookup, now: number): FeelResult {
  if (!isExpression(text)) return { ok: true, value: text };
  return evaluateWith(body(text), typeof variables === 'function' ? variables : fromObject(variables), now);
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
