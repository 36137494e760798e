// Every job type a model creates has a worker in the farm's registry (else the job waits forever,
// unnoticed), every worker serves a job type some model creates (else it is dead code or its
// model was renamed), and the headers a task sets are what its worker's header schema accepts
// (seed 004 §13: a header value outside the enum would only fail at run time, as an incident).
import type { CheckInputs, ContractCheck } from '../check-inputs.ts';
import { Findings } from '../finding.ts';
import { shown } from '../sources.ts';

export const jobTypes: ContractCheck = {
  name: 'job-types',
  title: 'every job type of the models has a worker, every worker a job type, task headers fit the worker',
  async run({ sources, models, workers }: CheckInputs) {
    const f = new Findings(this.name);
    const registry = shown(sources, sources.workersModule);
    const byType = new Map(workers.map((w) => [w.type, w]));
    const seen = new Set<string>();
    for (const w of workers.filter((w, i) => workers.findIndex((o) => o.type === w.type) !== i)) {
      f.add(registry, w.type, `two workers serve job type ${w.type}`);
    }
    for (const model of models) {
      const file = shown(sources, model.file);
      for (const el of model.elements.filter((e) => e.jobType !== undefined)) {
        const type = el.jobType ?? '';
        seen.add(type);
        if (type.startsWith('=')) {
          f.add(file, el.id, `job type is an expression (${type}): the registry cannot be checked against it`);
          continue;
        }
        const worker = byType.get(type);
        if (!worker) {
          f.add(file, el.id, `job type ${type} has no worker in ${registry}`);
          continue;
        }
        if (worker.headers) {
          const parsed = worker.headers.safeParse(el.headers);
          if (!parsed.success) {
            const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(headers)'}: ${i.message}`).join('; ');
            f.add(file, el.id, `task headers ${JSON.stringify(el.headers)} do not fit the header schema of worker ${type}: ${issues}`);
          }
        }
      }
    }
    for (const w of workers) {
      if (!seen.has(w.type)) f.add(registry, w.type, `worker ${w.type} serves a job type no model in ${shown(sources, sources.bpmnDir)} creates`);
    }
    return f.result(this.title, `${workers.length} worker(s), ${seen.size} job type(s) in ${models.length} model(s)`);
  },
};
