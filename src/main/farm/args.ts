// What a farm process is asked to do, from its command line and configuration: the job types it
// serves, whether it runs the event side, its concurrency and (tests) the model copy it serves.
import { parseArgs } from 'node:util';
import { MODEL_SUFFIX } from '../../adapters/engine/model-suffix.ts';
import type { Config } from '../../platform/config.ts';
import type { AnyWorker } from '../../worker-runtime/define-worker.ts';
import { resolveServed } from './roles.ts';

export interface FarmArgs<S> {
  readonly served: readonly AnyWorker<S>[];
  /** how the process was asked (`--role`, `--only` or all), for its ready line */
  readonly role: string;
  readonly events: boolean;
  readonly concurrency: number;
  /** `--model-suffix`: a test's isolated model copy; its event side and inbox retries are left to the test */
  readonly suffix?: string;
}

export type FarmArgsResult<S> = { readonly kind: 'ok'; readonly args: FarmArgs<S> } | { readonly kind: 'invalid'; readonly message: string };

export function farmArgs<S>(argv: readonly string[], config: Config, registry: readonly AnyWorker<S>[]): FarmArgsResult<S> {
  const { values } = parseArgs({ args: [...argv], options: { only: { type: 'string' }, role: { type: 'string' }, concurrency: { type: 'string' }, 'model-suffix': { type: 'string' } } });
  const only = values.only !== undefined ? values.only.split(',').map((t) => t.trim()).filter(Boolean) : values.role === undefined ? config.FARM_JOB_TYPES : [];
  const selection = resolveServed({ role: values.role, only }, registry);
  if (selection.kind === 'invalid') return selection;
  const suffix = values['model-suffix'];
  if (suffix !== undefined && !MODEL_SUFFIX.test(suffix)) return { kind: 'invalid', message: `--model-suffix must match ${MODEL_SUFFIX}` };
  const concurrency = values.concurrency === undefined ? config.FARM_MAX_CONCURRENT_JOBS : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) return { kind: 'invalid', message: '--concurrency must be a positive integer' };
  return {
    kind: 'ok',
    args: {
      served: selection.workers,
      role: values.role ?? (only.length ? 'only' : 'all'),
      events: suffix === undefined && (selection.events === 'always' || config.FARM_EVENTS === 'on'),
      concurrency,
      ...(suffix === undefined ? {} : { suffix }),
    },
  };
}
