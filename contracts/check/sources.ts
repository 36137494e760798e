// Where the checks read their inputs. Every check takes these paths instead of knowing them, so a
// test can point a check at a copy of the repository's contracts with one drift seeded.
import path from 'node:path';

export interface ContractSources {
  /** the repository: TypeScript modules named in the registries resolve against it */
  readonly root: string;
  /** process models (*.bpmn) and their forms (forms/*.form) */
  readonly bpmnDir: string;
  /** the registries (concept-map.yaml, enum-map.yaml, …) and openapi/, asyncapi/ */
  readonly contractsDir: string;
  readonly migrationsDir: string;
  /** bpmnlint configuration */
  readonly lintConfig: string;
  /** the farm's worker registry (exports `workers`) */
  readonly workersModule: string;
  /** the event schema registry the AsyncAPI check expects (see asyncapi-events.ts) */
  readonly eventSchemasModule: string;
  /** TypeScript scanned for message publishers, BPMN error payloads, problem types and enums */
  readonly codeDirs: readonly string[];
}

export const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '..', '..');

export function repositorySources(root: string = REPOSITORY_ROOT, overrides: Partial<ContractSources> = {}): ContractSources {
  return {
    root,
    bpmnDir: path.join(root, 'bpmn'),
    contractsDir: path.join(root, 'contracts'),
    migrationsDir: path.join(root, 'migrations'),
    lintConfig: path.join(root, '.bpmnlintrc'),
    workersModule: path.join(root, 'workers', 'index.ts'),
    eventSchemasModule: path.join(root, 'src', 'main', 'event-catalogue.ts'),
    codeDirs: [path.join(root, 'src'), path.join(root, 'workers')],
    ...overrides,
  };
}

/** A path as findings show it: relative to the repository when inside it. */
export function shown(sources: Pick<ContractSources, 'root'>, file: string): string {
  const rel = path.relative(sources.root, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
