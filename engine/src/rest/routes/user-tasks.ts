// User tasks (Tasklist's side): search, get, form, assignment, unassignment, completion.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { FormResult, UserTaskFilter, UserTaskResult, UserTaskSearchQuerySortRequest } from '@camunda8/orchestration-cluster-api';
import { EngineError } from '../../api.ts';
import type { Engine, UserTaskRecord } from '../../api.ts';
import { toForm, toUserTask } from '../records.ts';
import { parseKey, parseWith, variablesSchema } from '../validation.ts';
import type { CustomFilterField, FilterField } from '../search/filter.ts';
import type { SearchDefinition } from '../search/search.ts';
import { exactFilterValue, mapIterable, registerSearch } from './search-route.ts';
import { instanceVariablesFilter } from './variable-filter.ts';

type Item = UserTaskResult;
type SortField = UserTaskSearchQuerySortRequest['field'];
type FilterName = Exclude<keyof UserTaskFilter, 'tags'>;

const userTaskStates: readonly [Item['state'], ...Item['state'][]] = [
  'CREATING', 'CREATED', 'ASSIGNING', 'UPDATING', 'COMPLETING', 'COMPLETED', 'CANCELING', 'CANCELED', 'FAILED',
];

const assignmentSchema = z.object({
  assignee: z.string().min(1),
  allowOverride: z.boolean().nullable().optional(),
  action: z.string().nullable().optional(),
});

const completionSchema = z.object({
  variables: variablesSchema.nullable().optional(),
  action: z.string().nullable().optional(),
});

export function userTaskSearch(engine: Engine): SearchDefinition<Item> {
  const fields: { [Name in FilterName]?: FilterField<Item> } = {
    userTaskKey: { kind: 'key' },
    state: { kind: 'enum', values: userTaskStates },
    assignee: { kind: 'string' },
    priority: { kind: 'integer' },
    elementId: { kind: 'string' },
    name: { kind: 'string' },
    candidateGroup: { kind: 'string', read: (item) => item.candidateGroups },
    candidateUser: { kind: 'string', read: (item) => item.candidateUsers },
    tenantId: { kind: 'string' },
    processDefinitionId: { kind: 'string' },
    processDefinitionKey: { kind: 'key' },
    processInstanceKey: { kind: 'key' },
    elementInstanceKey: { kind: 'key' },
    creationDate: { kind: 'date' },
    completionDate: { kind: 'date' },
    followUpDate: { kind: 'date' },
    dueDate: { kind: 'date' },
  };
  const custom: { [Name in FilterName]?: CustomFilterField<Item> } = {
    processInstanceVariables: instanceVariablesFilter(engine, (item: Item) => item.processInstanceKey),
    localVariables: instanceVariablesFilter(engine, (item: Item) => item.processInstanceKey, (item: Item) => item.elementInstanceKey),
  };
  const sortFields: readonly [SortField, ...SortField[]] = ['creationDate', 'completionDate', 'followUpDate', 'dueDate', 'priority', 'name'];
  return { resource: 'user task', filter: { fields, custom }, sortFields, keyOf: (item) => item.userTaskKey };
}

function findUserTask(engine: Engine, userTaskKey: string): UserTaskRecord {
  for (const record of engine.queries.userTasks()) if (record.userTaskKey === userTaskKey) return record;
  throw new EngineError('NOT_FOUND', `User task with key '${userTaskKey}' not found`);
}

const userTaskKeyOf = (params: unknown): string => parseKey((params as { userTaskKey: string }).userTaskKey, 'userTaskKey');

export function registerUserTaskRoutes(app: FastifyInstance, engine: Engine): void {
  registerSearch(app, '/user-tasks/search', userTaskSearch(engine), (query) => {
    const processInstanceKey = exactFilterValue(query, 'processInstanceKey');
    const records = [...engine.queries.userTasks()].filter((record) => processInstanceKey === undefined || record.processInstanceKey === processInstanceKey);
    return mapIterable(records, (record) => toUserTask(engine.queries, record));
  });

  app.get('/user-tasks/:userTaskKey', async (request): Promise<Item> => toUserTask(engine.queries, findUserTask(engine, userTaskKeyOf(request.params))));

  app.get('/user-tasks/:userTaskKey/form', async (request, reply): Promise<FormResult | undefined> => {
    const task = findUserTask(engine, userTaskKeyOf(request.params));
    const form = task.formKey === undefined ? undefined : [...engine.queries.forms()].find((candidate) => candidate.formKey === task.formKey);
    if (!form) {
      await reply.code(204).send();
      return undefined;
    }
    return toForm(form);
  });

  app.post('/user-tasks/:userTaskKey/assignment', async (request, reply) => {
    const key = userTaskKeyOf(request.params);
    const body = parseWith(assignmentSchema, request.body, 'user task assignment request');
    await engine.assignUserTask(key, body.assignee, body.allowOverride ?? true);
    return reply.code(204).send();
  });

  app.delete('/user-tasks/:userTaskKey/assignee', async (request, reply) => {
    await engine.unassignUserTask(userTaskKeyOf(request.params));
    return reply.code(204).send();
  });

  app.post('/user-tasks/:userTaskKey/completion', async (request, reply) => {
    const key = userTaskKeyOf(request.params);
    const body = parseWith(completionSchema, request.body, 'user task completion request');
    await engine.completeUserTask(key, body.variables ?? {});
    return reply.code(204).send();
  });
}
