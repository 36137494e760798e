// What a person does in the operator console, as steps the scenarios share: build the page, sign in
// with a development API client, find an order, wait for what a reload shows. Elements are found by
// the page's data-testids (console/web).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { buildConsole } from '../../../console/build.ts';
import { stackSettings, type ApiRole } from '../../../stack/settings.ts';
import { FulfillmentHarness, type HarnessOptions } from '../../support/fulfillment-harness.ts';
import { launchChromium, type BrowserScenario } from './browser.ts';

export interface ConsoleSetup {
  readonly h: FulfillmentHarness;
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * A fulfillment harness whose intake serves the console bundled from console/web now, into a folder
 * of this test file's own (a concurrent `npm run build` replaces dist/ under a running test), and
 * Chromium.
 */
export async function startConsoleSetup(opts: HarnessOptions = {}): Promise<ConsoleSetup> {
  const assets = mkdtempSync(path.join(tmpdir(), 'console-browser-test-'));
  const [browser] = await Promise.all([launchChromium(), buildConsole(assets)]);
  const h = await FulfillmentHarness.start({ ...opts, consoleAssetsDir: assets }).catch(async (error: unknown) => {
    await browser.close();
    throw error;
  });
  return {
    h,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await h.close();
      rmSync(assets, { recursive: true, force: true });
    },
  };
}

/** The stack's development API client for a role (dev-operator-client / dev-operator-client-secret, …). */
export function devClient(role: ApiRole): { clientId: string; clientSecret: string } {
  const client = stackSettings().apiClients.find((candidate) => candidate.role === role);
  if (client === undefined) throw new Error(`the stack has no API client for role ${role}`);
  return { clientId: client.clientId, clientSecret: client.clientSecret };
}

/** Opens the console at `path` (e.g. /console/orders), signs in with the role's client id and secret, and waits until the shell names it. */
export async function signIn(s: BrowserScenario, intakeUrl: string, role: ApiRole, path = '/console/'): Promise<void> {
  const { page } = s;
  const client = devClient(role);
  await page.goto(`${intakeUrl}${path}`);
  await page.getByTestId('sign-in-form').waitFor();
  await page.getByTestId('sign-in-client-id').fill(client.clientId);
  await page.getByTestId('sign-in-client-secret').fill(client.clientSecret);
  await s.step(`sign-in form filled as ${role}`);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('signed-in-roles').filter({ hasText: role }).waitFor();
}

/** From the orders list: search for the order and follow its link to the order page. */
export async function openOrderFromList(s: BrowserScenario, orderId: string): Promise<void> {
  const { page } = s;
  await page.getByTestId('nav-orders').click();
  await page.getByTestId('orders-search').fill(orderId);
  await page.getByTestId('orders-search-submit').click();
  const row = page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
  await row.waitFor();
  await s.step('orders list searched for the order');
  await row.getByTestId('order-link').click();
  await orderPageLoaded(s);
}

/** The order page with its facts, steps and diagram drawn (or its reason for none). */
export async function orderPageLoaded(s: BrowserScenario): Promise<void> {
  await s.page.getByTestId('order-status').waitFor();
  await s.page.locator('[data-testid="order-diagram"] svg, [data-testid="order-diagram"] p:not(.loading)').first().waitFor();
  await idle(s);
}

/** No load in progress: the page's progress bar is gone. */
export async function idle(s: BrowserScenario): Promise<void> {
  await s.page.waitForLoadState('networkidle');
}

/**
 * Reloads the page (as a person would press F5: the console does not poll) until the locator shows
 * the text, or the time is up.
 */
export async function reloadUntil(s: BrowserScenario, target: () => Locator, text: string | RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await target()
      .filter({ hasText: text })
      .first()
      .waitFor({ timeout: 3_000 })
      .then(() => true, () => false);
    if (shown) return;
    if (Date.now() > deadline) throw new Error(`the page never showed ${String(text)} within ${timeoutMs} ms (last: ${await target().first().textContent().catch(() => 'nothing')})`);
    await s.page.reload();
    await s.page.getByTestId('page').locator('*').first().waitFor();
  }
}

/** The diagram's shape of a BPMN element (bpmn-visualization's data-bpmn-id; not its label) carrying a state class the page adds. */
export const diagramShape = (elementId: string, stateClass: 'state-active' | 'state-completed' | 'state-incident'): string =>
  `g[data-bpmn-id="${elementId}"].${stateClass}:not(.bpmn-label)`;
