// Resuming a job stopped by a reconciliation case, against fakes of the engine's read side and
// gateway: the job gets back the retries its task declares in the deployed model, not a single one.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IncidentView, ProcessInstanceView } from '../../platform/engine-search.ts';
import { loadConfig } from '../../platform/config.ts';
import { engineOverGateway, type EngineCommands, type EngineReads } from './engine-port.ts';

const model = readFileSync(path.resolve(import.meta.dirname, '..', '..', '..', 'bpmn', 'order-fulfillment.bpmn'), 'utf8');
const PI = '2251799813690001';
const JOB = '2251799813690077';

const incident = (over: Partial<IncidentView> = {}): IncidentView => ({
  key: '2251799813690100',
  processInstanceKey: PI,
  processDefinitionKey: '2251799813685999',
  elementId: 'ServiceTask_ActivateBilling',
  elementInstanceKey: '2251799813690050',
  errorType: 'JOB_NO_RETRIES',
  errorMessage: '[AMBIGUOUS_OUTCOME] …',
  state: 'ACTIVE',
  jobKey: JOB,
  ...over,
});

function engine(o: { incidents: IncidentView[]; xml?: string; instance?: Partial<ProcessInstanceView>; updateRetries?: () => Promise<unknown>; resolve?: () => Promise<unknown> }) {
  const told: string[] = [];
  const xmlReads: string[] = [];
  const reads = {
    incidents: async () => o.incidents,
    processInstance: async () => ({ key: PI, processDefinitionId: 'order-fulfillment', version: 1, state: 'ACTIVE', hasIncident: true, ...o.instance }) as ProcessInstanceView,
    processDefinitionXml: async (key: string) => {
      xmlReads.push(key);
      return o.xml ?? model;
    },
    userTasks: async () => [],
  } satisfies EngineReads;
  const commands = {
    updateJobRetries: async (r: { jobKey: string; retries: number }) => {
      told.push(`retries ${r.jobKey} ${r.retries}`);
      return o.updateRetries?.();
    },
    resolveIncident: async (r: { incidentKey: string }) => {
      told.push(`resolve ${r.incidentKey}`);
      return o.resolve?.();
    },
  } as unknown as EngineCommands;
  return { port: engineOverGateway(loadConfig({}), commands, reads), told, xmlReads };
}

const notFound = () => Promise.reject(Object.assign(new Error('5 NOT_FOUND: Command rejected'), { code: 5 }));

test('the job gets the retries its task declares back, then its incident is resolved', async () => {
  const e = engine({ incidents: [incident()] });
  expect(await e.port.resumeFailedJob(PI, JOB)).toBe('resumed');
  expect(e.told).toEqual([`retries ${JOB} 3`, 'resolve 2251799813690100']);
});

test('the retries come from the deployed model (read once per definition), whatever it declares', async () => {
  const xml = model.replace('type="billing.activate-subscription.v1" retries="3"', 'type="billing.activate-subscription.v1" retries="6"');
  const e = engine({ incidents: [incident()], xml });
  expect(await e.port.resumeFailedJob(PI, JOB)).toBe('resumed');
  await e.port.resumeFailedJob(PI, JOB);
  expect(e.told).toEqual([`retries ${JOB} 6`, 'resolve 2251799813690100', `retries ${JOB} 6`, 'resolve 2251799813690100']);
  expect(e.xmlReads).toEqual(['2251799813685999']);
});

test('an incident still being imported (PENDING) is resumed; incidents of other jobs and resolved ones are not', async () => {
  const e = engine({ incidents: [incident({ key: '1', state: 'RESOLVED' }), incident({ key: '2', jobKey: '2251799813690078' }), incident({ key: '3', state: 'PENDING' })] });
  expect(await e.port.resumeFailedJob(PI, JOB)).toBe('resumed');
  expect(e.told).toEqual([`retries ${JOB} 3`, 'resolve 3']);
});

test('no open incident of the job: none yet while the instance runs, instance-ended once it does not', async () => {
  expect(await engine({ incidents: [incident({ state: 'RESOLVED' })] }).port.resumeFailedJob(PI, JOB)).toBe('no-incident');
  expect(await engine({ incidents: [], instance: { state: 'TERMINATED' } }).port.resumeFailedJob(PI, JOB)).toBe('instance-ended');
});

test('the engine has the incident open no more, or the job no more: told apart from a resume', async () => {
  expect(await engine({ incidents: [incident()], resolve: notFound }).port.resumeFailedJob(PI, JOB)).toBe('already-resolved');
  const gone = engine({ incidents: [incident()], updateRetries: notFound });
  expect(await gone.port.resumeFailedJob(PI, JOB)).toBe('job-gone');
  expect(gone.told).toEqual([`retries ${JOB} 3`]);
  // any other refusal is not hidden
  await expect(engine({ incidents: [incident()], resolve: () => Promise.reject(Object.assign(new Error('14 UNAVAILABLE'), { code: 14 })) }).port.resumeFailedJob(PI, JOB)).rejects.toThrow('UNAVAILABLE');
});
