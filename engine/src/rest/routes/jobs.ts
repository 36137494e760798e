// Jobs over REST: activation (long polling), completion, failure, BPMN error, PATCH of retries and
// timeout, and search.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { JobActivationResult, JobFilter, JobSearchQuerySortRequest, JobSearchResult } from '@camunda8/orchestration-cluster-api';
import type { Engine } from '../../api.ts';
import { toJob } from '../records.ts';
import { parseKey, parseWith, variablesSchema } from '../validation.ts';
import type { FilterField } from '../search/filter.ts';
import type { SearchDefinition } from '../search/search.ts';
import { mapIterable, registerSearch } from './search-route.ts';
import { activateWithLongPolling, toActivatedJob } from './job-activation.ts';

const activationSchema = z.object({
  type: z.string().min(1),
  worker: z.string().optional(),
  timeout: z.number().int().positive(),
  maxJobsToActivate: z.number().int().positive(),
  fetchVariable: z.array(z.string()).optional(),
  requestTimeout: z.number().int().optional(),
  tenantIds: z.array(z.string().min(1)).optional(),
  tenantFilter: z.enum(['PROVIDED', 'ASSIGNED']).optional(),
});

const completionSchema = z.object({ variables: variablesSchema.nullable().optional(), result: z.unknown().optional() });

const failureSchema = z.object({
  retries: z.number().int().min(0).optional(),
  errorMessage: z.string().optional(),
  retryBackOff: z.number().int().min(0).optional(),
  variables: variablesSchema.optional(),
});

const errorSchema = z.object({
  errorCode: z.string().min(1),
  errorMessage: z.string().nullable().optional(),
  variables: variablesSchema.nullable().optional(),
});

const updateSchema = z.object({
  changeset: z
    .object({ retries: z.number().int().min(0).nullable().optional(), timeout: z.number().int().positive().nullable().optional() })
    .refine((changeset) => changeset.retries != null || changeset.timeout != null, 'expected retries or timeout'),
  operationReference: z.number().int().optional(),
});

type Item = JobSearchResult;
type SortField = JobSearchQuerySortRequest['field'];

const fields: { [Name in keyof JobFilter]-?: FilterField<Item> } = {
  jobKey: { kind: 'key' },
  type: { kind: 'string' },
  worker: { kind: 'string' },
  state: { kind: 'enum', values: ['CANCELED', 'COMPLETED', 'CREATED', 'ERROR_THROWN', 'FAILED', 'MIGRATED', 'RETRIES_UPDATED', 'TIMED_OUT'] },
  kind: { kind: 'enum', values: ['BPMN_ELEMENT', 'EXECUTION_LISTENER', 'TASK_LISTENER', 'AD_HOC_SUB_PROCESS'] },
  listenerEventType: { kind: 'enum', values: ['ASSIGNING', 'CANCELING', 'COMPLETING', 'CREATING', 'END', 'START', 'UNSPECIFIED', 'UPDATING'] },
  retries: { kind: 'integer' },
  hasFailedWithRetriesLeft: { kind: 'boolean' },
  deadline: { kind: 'date' },
  errorMessage: { kind: 'string' },
  errorCode: { kind: 'string' },
  deniedReason: { kind: 'string' },
  isDenied: { kind: 'boolean' },
  endTime: { kind: 'date' },
  creationTime: { kind: 'date' },
  lastUpdateTime: { kind: 'date' },
  elementId: { kind: 'string' },
  elementInstanceKey: { kind: 'key' },
  processInstanceKey: { kind: 'key' },
  processDefinitionKey: { kind: 'key' },
  processDefinitionId: { kind: 'string' },
  tenantId: { kind: 'string' },
};

const sortFields: readonly [SortField, ...SortField[]] = [
  'deadline', 'deniedReason', 'elementId', 'elementInstanceKey', 'endTime', 'errorCode', 'errorMessage', 'hasFailedWithRetriesLeft',
  'isDenied', 'jobKey', 'kind', 'listenerEventType', 'processDefinitionId', 'processDefinitionKey', 'processInstanceKey', 'retries',
  'state', 'tenantId', 'type', 'worker',
];

export const jobSearch: SearchDefinition<Item> = { resource: 'job', filter: { fields }, sortFields, keyOf: (item) => item.jobKey };

const jobKeyOf = (params: unknown): string => parseKey((params as { jobKey: string }).jobKey, 'jobKey');

export function registerJobRoutes(app: FastifyInstance, engine: Engine): void {
  app.post('/jobs/activation', async (request, reply): Promise<JobActivationResult> => {
    const body = parseWith(activationSchema, request.body, 'job activation request');
    const hangUp = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) hangUp.abort();
    });
    const jobs = await activateWithLongPolling(
      engine,
      {
        type: body.type,
        worker: body.worker ?? 'default',
        timeout: body.timeout,
        maxJobsToActivate: body.maxJobsToActivate,
        fetchVariable: body.fetchVariable ?? [],
        tenantIds: body.tenantIds,
      },
      body.requestTimeout ?? 0,
      hangUp.signal,
    );
    return { jobs: jobs.map(toActivatedJob) };
  });

  app.post('/jobs/:jobKey/completion', async (request, reply) => {
    const key = jobKeyOf(request.params);
    const body = parseWith(completionSchema, request.body, 'job completion request');
    await engine.completeJob(key, body.variables ?? {});
    return reply.code(204).send();
  });

  app.post('/jobs/:jobKey/failure', async (request, reply) => {
    const key = jobKeyOf(request.params);
    const body = parseWith(failureSchema, request.body, 'job failure request');
    await engine.failJob({
      jobKey: key,
      retries: body.retries ?? 0,
      errorMessage: body.errorMessage ?? '',
      retryBackOff: body.retryBackOff ?? 0,
      variables: body.variables,
    });
    return reply.code(204).send();
  });

  app.post('/jobs/:jobKey/error', async (request, reply) => {
    const key = jobKeyOf(request.params);
    const body = parseWith(errorSchema, request.body, 'job error request');
    await engine.throwError({ jobKey: key, errorCode: body.errorCode, errorMessage: body.errorMessage ?? '', variables: body.variables ?? undefined });
    return reply.code(204).send();
  });

  app.patch('/jobs/:jobKey', async (request, reply) => {
    const key = jobKeyOf(request.params);
    const { changeset } = parseWith(updateSchema, request.body, 'job update request');
    if (changeset.retries != null) await engine.updateJobRetries(key, changeset.retries);
    if (changeset.timeout != null) await engine.updateJobTimeout(key, changeset.timeout);
    return reply.code(204).send();
  });

  registerSearch(app, '/jobs/search', jobSearch, () => mapIterable(engine.queries.jobs(), (record) => toJob(engine.queries, record)));
}
