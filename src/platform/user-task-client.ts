// Completing a user task through the orchestration cluster's REST API (what a task list does when
// a person submits the form).
import { UserTaskKey } from '@camunda8/orchestration-cluster-api';
import type { Config } from './config.ts';
import { createOrchestrationClient, type OrchestrationClient } from './orchestration-client.ts';

export class UserTaskError extends Error {
  override readonly name = 'UserTaskError';
}

export async function completeUserTask(config: Config, userTaskKey: string, variables: Record<string, unknown>, client?: OrchestrationClient): Promise<void> {
  try {
    await (client ?? createOrchestrationClient(config)).completeUserTask({ userTaskKey: UserTaskKey.assumeExists(userTaskKey), variables });
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    throw new UserTaskError(`completing user task ${userTaskKey}: ${typeof status === 'number' ? `HTTP ${status} ` : ''}${(err as Error).message}`);
  }
}
