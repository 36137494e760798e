// `npm test`: type check and build dist/ (the compiled processes some suites start), bring the
// real stack up (unless it already is), run every suite with jest against it, print a one-line
// tally, and stop what this run started.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { down, printVersions, up } from '../stack/cli.ts';
import { stackComponents } from '../stack/components/index.ts';
import { chromiumVersion, requireChromium } from '../stack/prereq.ts';
import { stackSettings } from '../stack/settings.ts';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const started = Date.now();
/** The browser suites' screenshots and page logs (test/browser/support/browser.ts), kept after the run. */
const browserOutput = path.join(root, 'test-output', 'browser');
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;

function step(title: string): void {
  console.log(`\n=== ${title} [${elapsed()}]`);
}

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
  success: boolean;
}

/** Where the browser scenarios' screenshots are: one folder per scenario, <nn>-<step>.png and console.log. */
function printScreenshots(): void {
  if (!existsSync(browserOutput)) return;
  const scenarios = readdirSync(browserOutput, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const shots = scenarios.reduce((n, scenario) => n + readdirSync(path.join(browserOutput, scenario)).filter((f) => f.endsWith('.png')).length, 0);
  console.log(`browser screenshots: ${shots} in ${browserOutput}/<scenario>/<nn>-<step>.png (${scenarios.length} scenario(s): ${scenarios.join(', ')})`);
}

async function main(): Promise<number> {
  step(`Node ${process.version} (${process.execPath}) on ${process.platform}/${process.arch}`);
  if (Number(process.versions.node.split('.')[0]) < 24) {
    console.error(`Node ${process.version} is too old: run through npm (npm ci && npm test) so the project's Node 24 is used`);
    return 1;
  }

  step('type check (tsc --noEmit)');
  const tsc = spawnSync(bin('tsc'), ['--noEmit', '-p', root], { stdio: 'inherit' });
  if (tsc.status !== 0) return 1;
  step('build (tsc -p tsconfig.build.json: src/ and workers/ to dist/)');
  const build = spawnSync(bin('tsc'), ['-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (build.status !== 0) return 1;

  const s = stackSettings();
  let startedHere = false;
  const statuses = await Promise.all(stackComponents.map((c) => c.status(s)));
  if (statuses.every((st) => st.ready)) {
    step('stack already running: using it and leaving it up');
  } else {
    step('stack up');
    startedHere = true;
    try {
      await up(s, stackComponents);
    } catch (err) {
      console.error(`the stack could not start: ${err instanceof Error ? err.message : String(err)}`);
      await down(s, stackComponents);
      return 1;
    }
  }
  try {
    step('versions under test');
    console.log(`  node       ${process.version}`);
    await printVersions(s, stackComponents);

    // The contract gate (contracts/README.md) reads the migrated database, so it runs once the
    // stack is up; any finding fails the run before jest starts.
    step('contracts check');
    const contracts = spawnSync(process.execPath, [path.join(root, 'contracts', 'check', 'cli.ts'), '--migrate'], { stdio: 'inherit', cwd: root });
    if (contracts.status !== 0) return 1;

    // Debian's Chromium for the browser suites (test/browser): installed with apt-get when missing,
    // here rather than inside a test so the install does not count against a test's timeout
    step("browser (Debian's chromium for test/browser)");
    try {
      console.log(`  ${requireChromium()}: ${chromiumVersion()}`);
    } catch (err) {
      console.error(`no browser for the browser tests: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
    // a whole run keeps only its own screenshots; a narrowed one replaces just its scenarios' folders
    if (process.argv.length <= 2) rmSync(browserOutput, { recursive: true, force: true });

    step('jest');
    const out = path.join(s.dir, 'jest-report.json');
    mkdirSync(s.dir, { recursive: true });
    rmSync(out, { force: true });
    const jestArgs = ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', '--disable-warning=TimeoutNegativeWarning', path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--runInBand', '--json', `--outputFile=${out}`, ...process.argv.slice(2)];
    const jest = spawnSync(process.execPath, jestArgs, { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'test', ...(process.stdout.isTTY ? {} : { FORCE_COLOR: '0' }) } });
    if (!existsSync(out)) {
      console.error('jest wrote no report');
      return 1;
    }
    const report = JSON.parse(readFileSync(out, 'utf8')) as JestReport;

    // The engine's black-box conformance suite, on an engine of its own (in-process, free ports):
    // it pins that engine's clock, which the shared stack's suites must not see.
    step('conformance suite (npm run test:conformance, in-process engine)');
    const conformanceOut = path.join(s.dir, 'conformance-report.json');
    rmSync(conformanceOut, { force: true });
    const conformanceEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', ...(process.stdout.isTTY ? {} : { FORCE_COLOR: '0' }) };
    for (const name of ['ZEEBE_GRPC_ADDRESS', 'ZEEBE_ADDRESS', 'ZEEBE_REST_ADDRESS', 'CAMUNDA_AUTH_STRATEGY', 'CAMUNDA_OAUTH_URL']) delete conformanceEnv[name];
    const conformance = process.argv.length > 2
      ? undefined // a run narrowed to some tests skips the suite
      : spawnSync(process.execPath, [...jestArgs.slice(0, 4), '-c', path.join(root, 'engine', 'conformance', 'jest.config.js'), '--json', `--outputFile=${conformanceOut}`], { stdio: 'inherit', cwd: root, env: conformanceEnv });
    const conformanceReport = conformance && existsSync(conformanceOut) ? (JSON.parse(readFileSync(conformanceOut, 'utf8')) as JestReport) : undefined;
    if (conformance && !conformanceReport) console.error('the conformance suite wrote no report');

    const passed = report.numPassedTests + (conformanceReport?.numPassedTests ?? 0);
    const failed = report.numFailedTests + (conformanceReport?.numFailedTests ?? 0);
    const skipped = report.numPendingTests + report.numTodoTests + (conformanceReport ? conformanceReport.numPendingTests + conformanceReport.numTodoTests : 0);
    if (conformanceReport) console.log(`\nconformance: ${conformanceReport.numPassedTests} passed, ${conformanceReport.numFailedTests} failed`);
    console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    if (report.numRuntimeErrorTestSuites > 0) console.log(`(${report.numRuntimeErrorTestSuites} suite(s) failed to run)`);
    printScreenshots();
    const conformanceOk = conformance === undefined || (conformance.status === 0 && conformanceReport?.success === true);
    return jest.status === 0 && report.success && conformanceOk ? 0 : 1;
  } finally {
    if (startedHere && !process.env.KEEP_STACK) {
      step('stack down (set KEEP_STACK=1 to keep it running)');
      const left = await down(s, stackComponents);
      if (left.length > 0) process.exitCode = 1;
    }
    console.log(`\ntotal ${elapsed()}`);
  }
}

process.exitCode = (await main()) || process.exitCode || 0;
