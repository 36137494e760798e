// docker-compose.camunda.yml and the stack scripts must configure the cluster the same way.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { camundaEnvironment } from './components/camunda.ts';
import { stackSettings } from './settings.ts';

const compose = parse(readFileSync(path.join(import.meta.dirname, '..', 'docker-compose.camunda.yml'), 'utf8')) as {
  services: Record<string, { image?: string; environment?: Record<string, string | number> }>;
};

test('the compose file sets every cluster variable the scripts set, and no other', () => {
  const scripted = Object.keys(camundaEnvironment(stackSettings())).sort();
  const composed = Object.keys(compose.services.camunda?.environment ?? {}).sort();
  expect(composed).toEqual(scripted);
});

test('values that do not depend on host names or paths are equal', () => {
  const scripted = camundaEnvironment(stackSettings());
  const composed = compose.services.camunda?.environment ?? {};
  const hostIndependent = Object.keys(scripted).filter((k) => !/URL|ADDRESS|HOST|DIRECTORY|JAVA_OPTS/.test(k));
  for (const k of hostIndependent) expect([k, String(composed[k])]).toEqual([k, scripted[k]]);
});

test('the compose images are the versions the scripts pin', async () => {
  const { VERSIONS } = await import('./settings.ts');
  expect(compose.services.camunda?.image).toBe(`camunda/zeebe:${VERSIONS.camunda}`);
  expect(compose.services.kafka?.image).toBe(`apache/kafka:${VERSIONS.kafka}`);
  expect(compose.services.opensearch?.image).toBe(`opensearchproject/opensearch:${VERSIONS.opensearch}`);
});
