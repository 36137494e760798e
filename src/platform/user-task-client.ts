// Completing a user task through the orchestration cluster's REST API (what Tasklist does when a
// person submits the form).
import { CamundaSession } from './camunda-session.ts';
import type { Config } from './config.ts';

export class UserTaskError extends Error {
  override readonly name = 'UserTaskError';
}

export async function completeUserTask(config: Config, userTaskKey: string, variables: Record<string, unknown>, session?: CamundaSession): Promise<void> {
  const auth = config.CAMUNDA_AUTH_STRATEGY === 'COOKIE' ? await (session ?? new CamundaSession(config)).getHeaders() : {};
  const res = await fetch(`${config.ZEEBE_REST_ADDRESS.replace(/\/$/, '')}/v2/user-tasks/${userTaskKey}/completion`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ variables }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 204) throw new UserTaskError(`completing user task ${userTaskKey}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
}
