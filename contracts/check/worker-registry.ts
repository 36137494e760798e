// The farm's workers as the contract checks see them: job type, the zod schemas of what a job
// reads and writes, and the BPMN errors it may throw. Read from the registry module itself
// (workers/index.ts exports `workers`), so a worker added there is checked without telling anyone.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { isZod } from './code-module.ts';

export interface WorkerContract {
  readonly type: string;
  readonly variables: z.ZodType;
  readonly headers?: z.ZodType | undefined;
  readonly output: z.ZodType;
  readonly bpmnErrors: readonly string[];
}

export async function loadWorkers(workersModule: string): Promise<WorkerContract[]> {
  const mod = (await import(pathToFileURL(path.resolve(workersModule)).href)) as { workers?: unknown };
  if (!Array.isArray(mod.workers)) throw new Error(`${workersModule} does not export a \`workers\` array`);
  return mod.workers.map((w: Record<string, unknown>, i: number) => {
    if (typeof w.type !== 'string' || !isZod(w.variables) || !isZod(w.output) || !Array.isArray(w.bpmnErrors)) {
      throw new Error(`${workersModule}: workers[${i}] is not a worker definition (type, variables, output, bpmnErrors)`);
    }
    return { type: w.type, variables: w.variables, headers: isZod(w.headers) ? w.headers : undefined, output: w.output, bpmnErrors: w.bpmnErrors as string[] };
  });
}
