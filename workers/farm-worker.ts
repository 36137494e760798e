// Every worker module of the farm is defined with this: the worker runtime's definition, bound to
// the farm's application services.
import type { z } from 'zod';
import type { FarmServices } from '../src/core/services.ts';
import { defineWorker, type WorkerDefinition } from '../src/worker-runtime/define-worker.ts';

export const farmWorker = <V extends z.ZodType, H extends z.ZodType, O extends z.ZodType>(def: WorkerDefinition<V, H, O, FarmServices>) => defineWorker(def);
