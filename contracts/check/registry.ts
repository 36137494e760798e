// The contract registries under contracts/ (concept, enum, error and process-variable maps, HTTP
// bindings), read and validated: a registry with a typo fails loudly, naming the file and entry,
// instead of letting a check pass on nothing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ContractSources } from './sources.ts';

const upperSnake = z.string().regex(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, 'UPPER_SNAKE');
const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);

export const conceptMapSchema = z.object({
  concepts: z.record(
    z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'concept names are PascalCase'),
    z.object({
      meaning: z.string().min(1),
      owner: z.string().min(1),
      representations: z.object({
        openapi: list(z.string().regex(/^[^#]+#\/.*$/, 'openapi refs are <file>#<JSON pointer>')),
        typescript: list(z.string()),
        postgres: list(z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'postgres refs are <table>.<column>')),
        bpmn: z.string().optional(),
        messageCorrelation: z.string().optional(),
        event: z.string().optional(),
        log: z.string().optional(),
      }),
      invariants: list(z.string()),
    }),
  ),
});
export type ConceptMap = z.infer<typeof conceptMapSchema>;

const sqlRef = z.object({ table: z.string(), column: z.string(), constraint: z.string() });
export type SqlEnumRef = z.infer<typeof sqlRef>;

export const enumMapSchema = z.object({
  enums: z.record(
    z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'enum names are PascalCase'),
    z.object({
      owner: z.string().min(1),
      meaning: z.string().min(1),
      values: z.array(z.string()).min(1),
      typescript: list(z.string().regex(/^[^#]+#[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'typescript refs are <module>#<export>[.<field>…]')),
      sql: list(sqlRef),
      openapi: list(z.string().regex(/^[^#]+#\/.*$/, 'openapi refs are <file>#<JSON pointer>')),
      forms: list(z.object({ form: z.string(), field: z.string() })),
      bpmn: z.string().optional(),
    }),
  ),
});
export type EnumMap = z.infer<typeof enumMapSchema>;

const bpmnErrorEntry = z.object({
  errorCode: upperSnake,
  /** <processId>#<elementId> of the boundary or error start events that catch it */
  caughtBy: list(z.string().regex(/^[^#]+#[^#]+$/, 'caughtBy entries are <processId>#<elementId>')),
  /** variables a thrower sends with the error (the catching events map them into the process) */
  variables: list(z.string()),
  /** a worker may throw it where no model element catches it: the engine raises an incident */
  whenUncaught: z.literal('incident').optional(),
});

export const errorMapSchema = z.object({
  code: z.object({
    /** `{ key: 'CODE' }` object of the BPMN error codes */
    bpmnErrors: z.string(),
    /** tuple of the failure categories */
    failureCategories: z.string(),
    /** `Record<category, { workflowRetry: boolean }>` */
    retryPolicy: z.string(),
  }),
  errors: z.record(
    upperSnake,
    z.object({
      kind: z.enum(['bpmn-error', 'failure-category', 'problem']),
      meaning: z.string().min(1),
      external: z.string().optional(),
      http: z.object({ status: z.union([z.number().int(), z.string().regex(/^[1-5]xx$/)]), problemType: z.string().optional() }).optional(),
      bpmn: bpmnErrorEntry.optional(),
      ledger: z.object({ attemptStatus: z.string().optional(), failureCategory: list(z.string()) }).optional(),
      engine: z.string().optional(),
      reconciliation: z.string().optional(),
      outcome: z.string().optional(),
      event: z.object({ eventType: z.string() }).nullable().optional(),
    }),
  ),
});
export type ErrorMap = z.infer<typeof errorMapSchema>;
export type ErrorEntry = ErrorMap['errors'][string];

export const processVariablesSchema = z.object({
  messages: z.record(
    z.string(),
    z.object({
      meaning: z.string().min(1),
      publishedBy: z.array(z.string()),
      messageId: z.string().optional(),
      correlationKey: z.string().optional(),
      variables: z.record(z.string(), z.object({ concept: z.string().optional(), meaning: z.string().optional() })),
    }),
  ),
});
export type ProcessVariables = z.infer<typeof processVariablesSchema>;

const bindingPlace = z.union([
  z.object({ operation: z.string(), request: z.literal(true) }).strict(),
  z.object({ operation: z.string(), response: z.string() }).strict(),
  z.object({ schema: z.string() }).strict(),
]);
export type BindingPlace = z.infer<typeof bindingPlace>;

export const httpBindingsSchema = z.object({
  /** module globs (one `*` per path segment) whose every exported zod schema must be bound */
  everyExportBound: z.array(z.string()).default([]),
  bindings: z.array(
    z.object({
      schema: z.string().regex(/^[^#]+#[A-Za-z_$][\w$]*$/, 'schema refs are <module>#<export>'),
      direction: z.enum(['reads', 'sends', 'serves']),
      openapi: z.string(),
      at: z.array(bindingPlace).min(1),
    }),
  ),
});
export type HttpBinding = z.infer<typeof httpBindingsSchema>['bindings'][number];

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
}

function load<T>(file: string, schema: z.ZodType<T>): T {
  if (!existsSync(file)) throw new RegistryError(`${file}: missing`);
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RegistryError(`${file} is not valid YAML: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new RegistryError(`${file} does not match its registry format:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export const registryFiles = (s: Pick<ContractSources, 'contractsDir'>) => ({
  conceptMap: path.join(s.contractsDir, 'concept-map.yaml'),
  enumMap: path.join(s.contractsDir, 'enum-map.yaml'),
  errorMap: path.join(s.contractsDir, 'error-map.yaml'),
  processVariables: path.join(s.contractsDir, 'process-variables.yaml'),
  httpBindings: path.join(s.contractsDir, 'http-bindings.yaml'),
});

export const loadConceptMap = (s: Pick<ContractSources, 'contractsDir'>): ConceptMap => load(registryFiles(s).conceptMap, conceptMapSchema);
export const loadEnumMap = (s: Pick<ContractSources, 'contractsDir'>): EnumMap => load(registryFiles(s).enumMap, enumMapSchema);
export const loadErrorMap = (s: Pick<ContractSources, 'contractsDir'>): ErrorMap => load(registryFiles(s).errorMap, errorMapSchema);
export const loadProcessVariables = (s: Pick<ContractSources, 'contractsDir'>): ProcessVariables => load(registryFiles(s).processVariables, processVariablesSchema);
export const loadHttpBindings = (s: Pick<ContractSources, 'contractsDir'>) => load(registryFiles(s).httpBindings, httpBindingsSchema);

/** `<module>#<export>[.a.b]` → its parts; the module is relative to the repository. */
export function splitCodeRef(ref: string): { module: string; exportName: string | undefined; path: readonly string[] } {
  const [module = '', member] = ref.split('#');
  const [exportName, ...rest] = member ? member.split('.') : [];
  return { module, exportName, path: rest };
}

/** `<file>#<JSON pointer>` → its parts; the file is relative to contracts/. */
export function splitDocumentRef(ref: string): { file: string; pointer: string } {
  const i = ref.indexOf('#');
  return i < 0 ? { file: ref, pointer: '' } : { file: ref.slice(0, i), pointer: ref.slice(i + 1) };
}
