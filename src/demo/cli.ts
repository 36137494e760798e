// `npm run demo`: the project's main job. Brings the local stack up, proves the engine serves a
// worker end to end, and prints where to look. (Later: the farm, simulators and a batch of orders.)
import path from 'node:path';
import { up } from '../../stack/cli.ts';
import { stackComponents } from '../../stack/components/index.ts';
import { stackSettings } from '../../stack/settings.ts';
import { createCamunda } from '../platform/camunda.ts';
import { EngineSearch } from '../platform/engine-search.ts';

const s = stackSettings();
await up(s, stackComponents);

const camunda = createCamunda(s.config);
const zeebe = camunda.getZeebeGrpcApiClient();
const search = new EngineSearch(s.config);
const model = path.resolve(import.meta.dirname, '..', '..', 'test', 'fixtures', 'smoke-probe.bpmn');
await zeebe.deployResource({ processFilename: model });
const worker = await zeebe.streamJobs({
  type: 'smoke.echo.v1',
  worker: 'demo',
  timeout: 30_000,
  tenantIds: ['<default>'],
  taskHandler: (job) => job.complete({ echoed: true }),
});
const runId = `demo-${Date.now()}`;
const { processInstanceKey } = await zeebe.createProcessInstance({ bpmnProcessId: 'smoke-probe', variables: { probeId: runId } });
console.log(`started smoke-probe instance ${processInstanceKey}; waiting for it in the search API …`);
const deadline = Date.now() + 60_000;
let state = 'unknown';
while (Date.now() < deadline) {
  const [found] = await search.processInstancesByVariable('probeId', runId, 'smoke-probe');
  state = found?.state ?? 'not yet visible';
  if (state === 'COMPLETED') break;
  await new Promise((r) => setTimeout(r, 500));
}
worker.close();
await zeebe.close();

const base = s.config.CAMUNDA_OPERATE_BASE_URL;
console.log(`
smoke instance ${processInstanceKey}: ${state}

  Operate   ${base}/operate    (login ${s.config.CAMUNDA_COOKIE_AUTH_USERNAME} / ${s.config.CAMUNDA_COOKIE_AUTH_PASSWORD === 'demo' ? 'demo' : 'the password in CAMUNDA_COOKIE_AUTH_PASSWORD'})
  Tasklist  ${base}/tasklist
  REST API  ${s.config.ZEEBE_REST_ADDRESS}/v2   gRPC ${s.config.ZEEBE_GRPC_ADDRESS}

The stack keeps running; stop it with: npm run stack:down`);
process.exit(state === 'COMPLETED' ? 0 : 1);
