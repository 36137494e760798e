// The image cannot be built here (no Docker engine), so its must-haves are checked on the text:
// multi-stage on the official Node 24 images, production dependencies only in the runtime stage,
// compiled JavaScript only (no sources, no tools), a non-root user, the compiled farm as its
// command, a health check, and no secret in the file or the build context.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { OPS_PATHS } from '../../src/platform/ops-endpoints.ts';
import { FARM_NODE_FLAGS } from '../../src/main/farm/node-flags.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const dockerfile = DockerfileParser.parse(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
const instructions = dockerfile.getInstructions();
const froms = dockerfile.getFROMs();

interface Stage {
  readonly name: string | null;
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

/** ARG defaults declared before the first FROM, substituted into the FROM lines. */
const initialArgs = new Map(dockerfile.getInitialARGs().map((a) => [a.getProperty()?.getName() ?? '', a.getProperty()?.getValue() ?? '']));
const expand = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => initialArgs.get(a ?? b ?? '') ?? '');

const stages: Stage[] = froms.map((from, i) => {
  const start = from.getRange().start.line;
  const end = froms[i + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
  return {
    name: from.getBuildStage(),
    image: expand(from.getImage() ?? ''),
    instructions: instructions.filter((ins) => ins.getRange().start.line > start && ins.getRange().start.line < end),
  };
});
const runtime = stages.at(-1)!;
const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.getKeyword() === keyword);
const args = (i: Instruction) => i.getArgumentsContent() ?? '';
/** the whole instruction, flags included (`COPY --from=deps …`) */
const text = (i: Instruction) => i.toString();

test('multi-stage, every stage on the official Node 24 images', () => {
  expect(stages.length).toBeGreaterThanOrEqual(2);
  for (const s of stages) expect(s.image).toMatch(/^node:24(\.\d+){0,2}(-[a-z]+)*$/);
  expect(runtime.image).toMatch(/-slim$/);
  expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['deps', 'build', 'runtime']));
});

test('the runtime stage gets its node_modules from a stage that installed production dependencies only', () => {
  const modules = of(runtime, 'COPY').find((c) => /node_modules \.\/node_modules$/.test(args(c)));
  expect(modules).toBeDefined();
  const from = /--from=(\S+)/.exec(text(modules!))?.[1];
  const source = stages.find((s) => s.name === from);
  expect(of(source!, 'RUN').map(args).join('\n')).toMatch(/npm ci\b[^\n]*--omit=dev/);
  // and installs nothing itself
  expect(of(runtime, 'RUN').map(args).join('\n')).not.toMatch(/npm (ci|install)/);
});

test('the build stage type checks, then compiles src/ and workers/ to dist/; the runtime gets dist/ and the migrations only', () => {
  const build = stages.find((s) => s.name === 'build')!;
  const run = of(build, 'RUN').map(args).join('\n');
  expect(run).toMatch(/tsc --noEmit -p tsconfig\.json[\s\S]*tsc -p tsconfig\.build\.json/);
  const copiedFromBuild = of(runtime, 'COPY').filter((c) => text(c).includes('--from=build')).map(args);
  expect(copiedFromBuild).toEqual(expect.arrayContaining(['/app/dist ./dist', '/app/migrations ./migrations']));
  // no TypeScript sources, tests or dev tools in the image
  for (const copied of of(runtime, 'COPY').map(args)) expect(copied).not.toMatch(/\/app\/(src|workers|tools|test|bench)\b|^\.\s/);
});

test('the runtime runs as a non-root user, with the farm as its command', () => {
  const users = of(runtime, 'USER').map(args);
  expect(users.length).toBeGreaterThan(0);
  expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  const userLine = of(runtime, 'USER').at(-1)!.getRange().start.line;
  const cmd = of(runtime, 'CMD').at(-1)!;
  expect(cmd.getRange().start.line).toBeGreaterThan(userLine);
  expect(JSON.parse(args(cmd))).toEqual(['node', ...FARM_NODE_FLAGS, 'dist/src/main/farm.js']);
  // dist/src/main/farm.js is compiled from src/main/farm.ts
  expect(existsSync(path.join(root, 'src', 'main', 'farm.ts'))).toBe(true);
  expect(of(runtime, 'ENTRYPOINT')).toEqual([]);
});

test('a health check probes a path the farm serves, and the ports are the configured ones', () => {
  const healthcheck = args(of(runtime, 'HEALTHCHECK').at(-1)!);
  const probed = /(\/health\/\w+)/.exec(healthcheck)?.[1];
  expect(OPS_PATHS).toContain(probed);
  const env = Object.fromEntries(of(runtime, 'ENV').flatMap((e) => (e as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties().map((p) => [p.getName(), p.getValue()])));
  expect(env).toMatchObject({ FARM_HTTP_HOST: '0.0.0.0', FARM_HTTP_PORT: '9464', NODE_ENV: 'production' });
  expect(args(of(runtime, 'EXPOSE').at(-1)!).split(/\s+/)).toEqual(expect.arrayContaining(['9464', '3000']));
});

test('no secret in the file, none in the build context', () => {
  const secretName = /(PASSWORD|TOKEN|SECRET|API_KEY|CREDENTIAL|PRIVATE_KEY)/i;
  for (const ins of instructions.filter((i) => ['ENV', 'ARG', 'LABEL'].includes(i.getKeyword()))) {
    expect(args(ins)).not.toMatch(secretName);
  }
  expect(instructions.map(text).join('\n')).not.toMatch(/postgres(ql)?:\/\/[^@\s]+:[^@\s]+@/);
  const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
  expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', '.stack', '.env', '.env.*']));
});
