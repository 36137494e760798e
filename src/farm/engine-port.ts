// EnginePort over the gateway (job retries, incident resolution) and the REST API (search, user
// tasks). Incidents are found through the search side, which trails the engine by a moment.
import type { Zeebe } from '@camunda8/sdk';
import type { EnginePort } from '../application/services.ts';
import { CamundaSession } from '../platform/camunda-session.ts';
import type { Config } from '../platform/config.ts';
import { EngineSearch } from '../platform/engine-search.ts';
import { completeUserTask } from '../platform/user-task-client.ts';

export function engineOverGateway(config: Config, zeebe: Zeebe.ZeebeGrpcClient): EnginePort {
  const session = new CamundaSession(config);
  const search = new EngineSearch(config, session);
  return {
    async resumeFailedJob(processInstanceKey, jobKey) {
      const incidents = await search.incidents({ processInstanceKey, state: 'ACTIVE' });
      const incident = incidents.find((i) => i.jobKey === jobKey);
      if (!incident) {
        const instance = await search.processInstance(processInstanceKey);
        return instance && instance.state !== 'ACTIVE' ? 'instance-ended' : 'no-incident';
      }
      // A job incident needs both: retries back on the job, then the incident resolved.
      await zeebe.updateJobRetries({ jobKey, retries: 1 });
      await zeebe.resolveIncident({ incidentKey: incident.key });
      return 'resumed';
    },
    async findOpenUserTask(processInstanceKey, elementId) {
      const tasks = await search.userTasks({ processInstanceKey, elementId, state: 'CREATED' });
      return tasks[0]?.key;
    },
    completeUserTask: (key, variables) => completeUserTask(config, key, variables, session),
  };
}
