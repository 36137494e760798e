// Fault rules: which request of which system misbehaves, how, and how many times. A rule matches
// on system, operation and field values of the request; each matching request consumes one use.
import { z } from 'zod';
import { canonicalJson } from './fingerprint.ts';

const delayMs = z.number().int().min(0).max(600_000);

export const faultSchema = z.preprocess(
  // the faults without parameters may be written as a bare string: "fault": "drop-connection"
  (value) => (typeof value === 'string' ? { type: value } : value),
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('latency'), ms: delayMs }),
    z.strictObject({
      type: z.literal('status'),
      status: z.number().int().min(200).max(599),
      body: z.unknown().optional(),
      retryAfterSeconds: z.number().int().min(0).optional(),
    }),
    z.strictObject({ type: z.literal('timeout-after-commit'), ms: delayMs }),
    z.strictObject({ type: z.literal('timeout-before-commit'), ms: delayMs }),
    z.strictObject({ type: z.literal('malformed'), variant: z.enum(['missing-fields', 'not-json']).default('missing-fields') }),
    z.strictObject({ type: z.literal('auth') }),
    z.strictObject({ type: z.literal('drop-connection') }),
    z.strictObject({
      type: z.literal('async-failure'),
      errCd: z.string().min(1).default('PROV_FAILED'),
      errMsg: z.string().min(1).default('simulated provisioning failure'),
      status: z.enum(['ERR', 'ERR2']).default('ERR'),
    }),
  ]),
);
export type Fault = z.output<typeof faultSchema>;
export type FaultType = Fault['type'];

export const faultRuleInputSchema = z.strictObject({
  system: z.string().min(1),
  operation: z.string().min(1).optional(),
  match: z.record(z.string(), z.unknown()).optional(),
  fault: faultSchema,
  times: z
    .number()
    .int()
    .refine((n) => n === -1 || n >= 1, 'a positive count, or -1 for always')
    .default(1),
});
export type FaultRuleInput = z.output<typeof faultRuleInputSchema>;

export interface FaultRule extends FaultRuleInput {
  readonly id: string;
  /** uses left; -1 = unlimited */
  remaining: number;
}

/** What a rule is compared with: one incoming request. */
export interface FaultTarget {
  readonly system: string;
  readonly operation: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Operations a rule may name, per system; async-failure needs an asynchronous operation. */
export interface FaultCatalog {
  readonly [system: string]: { readonly [operation: string]: { readonly asynchronous: boolean } };
}

/** Rejects rules that could never match (typos), so a test fails at the rule, not much later. */
export function checkRuleTarget(rule: FaultRuleInput, catalog: FaultCatalog): string | undefined {
  const operations = catalog[rule.system];
  if (!operations) return `unknown system "${rule.system}" (known: ${Object.keys(catalog).join(', ')})`;
  if (rule.operation !== undefined && !operations[rule.operation]) {
    return `unknown operation "${rule.operation}" of ${rule.system} (known: ${Object.keys(operations).join(', ')})`;
  }
  if (rule.fault.type === 'async-failure') {
    const asyncOps = Object.entries(operations).filter(([, o]) => o.asynchronous).map(([name]) => name);
    const applies = rule.operation === undefined ? asyncOps.length > 0 : asyncOps.includes(rule.operation);
    if (!applies) return `async-failure applies only to asynchronous operations${asyncOps.length ? ` (${rule.system}: ${asyncOps.join(', ')})` : `; ${rule.system} has none`}`;
  }
  return undefined;
}

/**
 * The value of a match field in a request: path parameter, then query parameter, then body field;
 * a dotted name ("constraints.stock") walks into the JSON body.
 */
function fieldOf(target: FaultTarget, name: string): unknown {
  if (Object.hasOwn(target.params, name)) return target.params[name];
  if (Object.hasOwn(target.query, name)) return target.query[name];
  let value: unknown = target.body;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function sameValue(actual: unknown, expected: unknown): boolean {
  if (actual === undefined) return false;
  // path and query values are text: {"quantity": 2} also matches ?quantity=2
  if (typeof actual === 'string' && (typeof expected === 'number' || typeof expected === 'boolean')) return actual === String(expected);
  return canonicalJson(actual) === canonicalJson(expected);
}

export function ruleMatches(rule: FaultRuleInput, target: FaultTarget): boolean {
  if (rule.system !== target.system) return false;
  if (rule.operation !== undefined && rule.operation !== target.operation) return false;
  return Object.entries(rule.match ?? {}).every(([name, expected]) => sameValue(fieldOf(target, name), expected));
}

export class FaultRuleBook {
  private rules: FaultRule[] = [];
  private nextId = 1;

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { id: `FR-${this.nextId++}`, ...input, remaining: input.times };
    this.rules.push(rule);
    return rule;
  }

  /**
   * The first rule (in installation order) matching the request, with one use consumed.
   * `applicable` skips rules the request cannot honour (async-failure on a read), so they are not
   * used up by it.
   */
  take(target: FaultTarget, applicable: (fault: Fault) => boolean = () => true): Fault | undefined {
    const rule = this.rules.find((r) => r.remaining !== 0 && applicable(r.fault) && ruleMatches(r, target));
    if (!rule) return undefined;
    if (rule.remaining > 0) rule.remaining -= 1;
    if (rule.remaining === 0) this.rules = this.rules.filter((r) => r !== rule);
    return rule.fault;
  }

  list(): readonly FaultRule[] {
    return [...this.rules];
  }

  clear(): number {
    const removed = this.rules.length;
    this.rules = [];
    return removed;
  }
}
