// The browser tests' harness: Debian's Chromium driven by playwright-core (which never downloads a
// browser of its own), one page per scenario at a desktop or a phone's size, a screenshot per step
// kept under test-output/browser/<scenario>/, the page's console kept beside them, and any
// uncaught page error failing the test.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { requireChromium } from '../../../stack/prereq.ts';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/** Where the screenshots and console logs of every scenario stay after the run (gitignored). */
export const BROWSER_OUTPUT = path.join(root, 'test-output', 'browser');

/** Flags for a headless browser in a container: no sandbox (root), no GPU, nothing phoning home. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export type Viewport = 'desktop' | 'phone';

/** Screenshots stop this far down: a list of every incident in a long-lived engine can be metres long. */
const MAX_SHOT_HEIGHT = 8_000;

const viewports = {
  desktop: { viewport: { width: 1280, height: 800 } },
  // a common phone's CSS width; isMobile makes the page honour its meta viewport as a phone does
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} as const;

/**
 * Chromium, installed with apt-get first when missing (stack/prereq.ts). `launch` gives every browser
 * a fresh temporary profile (user-data dir), removed when it closes: no state leaks between runs.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = requireChromium();
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS], timeout: 60_000 });
}

/** A file name part from a step or scenario name: lower case, words joined by dashes. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'step';
}

export class PageError extends Error {
  override readonly name = 'PageError';
}

/** One scenario's page: its own browser context (cookies, sessionStorage), screenshots and logs. */
export class BrowserScenario {
  readonly page: Page;
  readonly dir: string;
  private readonly context: BrowserContext;
  private readonly log: string[] = [];
  private readonly pageErrors: string[] = [];
  private stepNo = 0;
  private closed = false;

  private constructor(context: BrowserContext, page: Page, dir: string) {
    this.context = context;
    this.page = page;
    this.dir = dir;
  }

  static async open(browser: Browser, scenario: string, viewport: Viewport = 'desktop'): Promise<BrowserScenario> {
    const dir = path.join(BROWSER_OUTPUT, slug(scenario));
    // a rerun replaces the scenario's screenshots rather than mixing two runs' steps
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const context = await browser.newContext({ ...viewports[viewport], locale: 'en-GB', timezoneId: 'UTC' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const s = new BrowserScenario(context, page, dir);
    const at = () => new Date().toISOString().slice(11, 23);
    page.on('console', (message) => s.log.push(`${at()} console.${message.type()} ${message.text()}`));
    page.on('pageerror', (error) => {
      s.pageErrors.push(error.stack ?? error.message);
      s.log.push(`${at()} PAGE ERROR ${error.stack ?? error.message}`);
    });
    page.on('requestfailed', (request) => s.log.push(`${at()} request failed ${request.method()} ${request.url()}: ${request.failure()?.errorText ?? '?'}`));
    page.on('response', (response) => {
      if (response.status() >= 400) s.log.push(`${at()} HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
    });
    return s;
  }

  /** Screenshot of the page as it is now, `<nn>-<step>.png`; fails the test if the page threw meanwhile. */
  async step(name: string): Promise<string> {
    this.stepNo += 1;
    const file = path.join(this.dir, `${String(this.stepNo).padStart(2, '0')}-${slug(name)}.png`);
    this.log.push(`--- step ${this.stepNo}: ${name}`);
    await this.shoot(file);
    this.assertNoPageErrors();
    return file;
  }

  /** The whole page down to MAX_SHOT_HEIGHT. */
  private async shoot(file: string): Promise<void> {
    const height = Number(await this.page.evaluate('document.documentElement.scrollHeight'));
    const width = this.page.viewportSize()?.width ?? 1280;
    const clip = height > MAX_SHOT_HEIGHT ? { clip: { x: 0, y: 0, width, height: MAX_SHOT_HEIGHT } } : {};
    await this.page.screenshot({ path: file, fullPage: true, ...clip, timeout: 30_000 });
  }

  /** The console lines, failed requests and HTTP errors seen so far. */
  consoleLog(): readonly string[] {
    return this.log;
  }

  assertNoPageErrors(): void {
    if (this.pageErrors.length > 0) throw new PageError(`the page threw ${this.pageErrors.length} uncaught error(s):\n${this.pageErrors.join('\n')}`);
  }

  /**
   * Runs a scenario's steps; when one fails, the page as it was is kept as `<nn>-failed.png`
   * before the error goes on to jest.
   */
  async run(steps: (s: BrowserScenario) => Promise<void>): Promise<void> {
    try {
      await steps(this);
      this.assertNoPageErrors();
    } catch (error) {
      this.log.push(`--- failed: ${error instanceof Error ? error.message : String(error)}`);
      await this.shoot(path.join(this.dir, `${String(this.stepNo + 1).padStart(2, '0')}-failed.png`)).catch((shotError: unknown) => {
        this.log.push(`(no screenshot of the failure: ${shotError instanceof Error ? shotError.message : String(shotError)})`);
      });
      throw error;
    } finally {
      await this.close();
    }
  }

  /** Writes console.log beside the screenshots and closes the context. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    writeFileSync(path.join(this.dir, 'console.log'), this.log.join('\n') + '\n');
    await this.context.close().catch(() => undefined);
  }
}
