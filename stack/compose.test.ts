// docker-compose.camunda.yml and the stack scripts must configure the engine the same way, and
// the compose file's default services must all be open source: Camunda's own image only behind
// its opt-in profile.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { engineEnvironment } from './components/engine.ts';
import { stackSettings, VERSIONS } from './settings.ts';

interface Service {
  image?: string;
  profiles?: string[];
  environment?: Record<string, string | number>;
}
const compose = parse(readFileSync(path.join(import.meta.dirname, '..', 'docker-compose.camunda.yml'), 'utf8')) as { services: Record<string, Service> };
const byDefault = Object.entries(compose.services).filter(([, service]) => !service.profiles?.length);

test('the default services are the open-source stack: the engine, PostgreSQL and Kafka', () => {
  expect(byDefault.map(([name]) => name).sort()).toEqual(['engine', 'kafka', 'postgres']);
  // official images of open-source projects; the engine is this repository run by Node
  for (const [name, service] of byDefault) expect([name, service.image]).toEqual([name, expect.stringMatching(/^(postgres|apache\/kafka|node):/)]);
});

test("Camunda's licensed image starts only with the opt-in profile", () => {
  const licensed = Object.entries(compose.services).filter(([, service]) => /^camunda\//.test(service.image ?? ''));
  expect(licensed.length).toBeGreaterThan(0);
  for (const [name, service] of licensed) expect([name, service.profiles]).toEqual([name, ['camunda']]);
});

test('the compose file sets every engine variable the scripts set, and no other', () => {
  const scripted = Object.keys(engineEnvironment(stackSettings({}))).sort();
  const composed = Object.keys(compose.services.engine?.environment ?? {}).sort();
  expect(composed).toEqual(scripted);
});

test('the engine listens on the ports the farm calls by default', () => {
  const scripted = engineEnvironment(stackSettings({}));
  const composed = compose.services.engine?.environment ?? {};
  for (const name of ['ENGINE_GRPC_PORT', 'ENGINE_REST_PORT']) expect([name, String(composed[name])]).toEqual([name, scripted[name]]);
});

test('the compose images are the versions the scripts pin', () => {
  expect(compose.services.kafka?.image).toBe(`apache/kafka:${VERSIONS.kafka}`);
  const pinnedNode = (JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.node;
  expect(compose.services.engine?.image).toBe(`node:${pinnedNode}-bookworm-slim`);
});

test('the compose engine issues tokens to the same development API clients as the scripts', () => {
  const composed = compose.services.engine?.environment ?? {};
  expect(JSON.parse(String(composed['ENGINE_OAUTH_API_CLIENTS']))).toEqual(JSON.parse(engineEnvironment(stackSettings({})).ENGINE_OAUTH_API_CLIENTS ?? 'null'));
});
