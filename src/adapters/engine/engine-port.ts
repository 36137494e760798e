// EnginePort over the gateway (job retries, incident resolution) and the REST API (search, user
// tasks). Incidents are found through the search side, which trails the engine by a moment.
import type { EnginePort, JobResumption } from '../../core/ports/engine.ts';
import type { Config } from '../../platform/config.ts';
import type { GatewayCommands } from '../../platform/gateway-client.ts';
import { EngineSearch } from '../../platform/engine-search.ts';
import { createOrchestrationClient } from '../../platform/orchestration-client.ts';
import { completeUserTask } from '../../platform/user-task-client.ts';
import { DEFAULT_JOB_RETRIES, declaredRetries } from './declared-retries.ts';

/** The engine's read side this port uses (EngineSearch; a fake in unit tests). */
export type EngineReads = Pick<EngineSearch, 'incidents' | 'processInstance' | 'processDefinitionXml' | 'userTasks'>;
/** The gateway commands this port uses. */
export type EngineCommands = Pick<GatewayCommands, 'updateJobRetries' | 'resolveIncident'>;

/** gRPC NOT_FOUND: the engine has no such job or open incident (any more). */
const isNotFound = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 5;

export function engineOverGateway(config: Config, zeebe: EngineCommands, reads?: EngineReads): EnginePort {
  const rest = createOrchestrationClient(config);
  const search: EngineReads = reads ?? new EngineSearch(config, rest);
  // a deployed definition never changes: its task retries are read once per definition key
  const models = new Map<string, Promise<string | undefined>>();
  const modelOf = (definitionKey: string): Promise<string | undefined> => {
    let xml = models.get(definitionKey);
    if (!xml) {
      xml = search.processDefinitionXml(definitionKey);
      models.set(definitionKey, xml);
      xml.then((x) => x === undefined && models.delete(definitionKey), () => models.delete(definitionKey));
    }
    return xml;
  };

  return {
    async resumeFailedJob(processInstanceKey, jobKey): Promise<JobResumption> {
      // PENDING: created in the engine, not yet in a Camunda cluster's secondary storage; it can be resolved already
      const incident = (await search.incidents({ processInstanceKey })).find((i) => i.jobKey === jobKey && (i.state === 'ACTIVE' || i.state === 'PENDING'));
      if (!incident) {
        const instance = await search.processInstance(processInstanceKey);
        return instance && instance.state !== 'ACTIVE' ? 'instance-ended' : 'no-incident';
      }
      // The job gets its task's whole retry budget back (not one retry): a transient failure after
      // the resume is then retried with backoff like any other, instead of raising an incident.
      const xml = incident.processDefinitionKey ? await modelOf(incident.processDefinitionKey) : undefined;
      // (a declared 0 would raise the incident again at once: the default then)
      const retries = (xml && declaredRetries(xml, incident.elementId)) || DEFAULT_JOB_RETRIES;
      // A job incident needs both: retries back on the job, then the incident resolved.
      try {
        await zeebe.updateJobRetries({ jobKey, retries });
      } catch (err) {
        if (isNotFound(err)) return 'job-gone';
        throw err;
      }
      try {
        await zeebe.resolveIncident({ incidentKey: incident.key });
      } catch (err) {
        if (isNotFound(err)) return 'already-resolved';
        throw err;
      }
      return 'resumed';
    },
    async findOpenUserTask(processInstanceKey, elementId) {
      const tasks = await search.userTasks({ processInstanceKey, elementId, state: 'CREATED' });
      return tasks[0]?.key;
    },
    completeUserTask: (key, variables) => completeUserTask(config, key, variables, rest),
  };
}
