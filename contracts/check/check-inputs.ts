// What every check may read: the sources (paths), the parsed models, the farm's workers and, for
// the checks that need it, the migrated database. The CLI loads them once; tests build them from a
// temp copy with one drift seeded.
import { parseModels, type BpmnModel } from './bpmn-model.ts';
import type { DatabaseIntrospection } from './database.ts';
import type { CheckResult } from './finding.ts';
import type { ContractSources } from './sources.ts';
import { loadWorkers, type WorkerContract } from './worker-registry.ts';

export interface CheckInputs {
  readonly sources: ContractSources;
  readonly models: readonly BpmnModel[];
  readonly workers: readonly WorkerContract[];
  /** absent: the checks that need the database report themselves skipped */
  readonly database?: DatabaseIntrospection | undefined;
}

export interface ContractCheck {
  readonly name: string;
  readonly title: string;
  run(inputs: CheckInputs): Promise<CheckResult>;
}

export async function loadInputs(sources: ContractSources, database?: DatabaseIntrospection): Promise<CheckInputs> {
  const [models, workers] = await Promise.all([parseModels(sources.bpmnDir), loadWorkers(sources.workersModule)]);
  return { sources, models, workers, database };
}
