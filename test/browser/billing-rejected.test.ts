// In a real browser: billing rejects the subscription, the order waits for a person (the billing
// fallout user task). The order page says it waits; the operator finds the task under User tasks
// and claims and unclaims it; a viewer is offered neither.
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import type { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { BrowserScenario } from './support/browser.ts';
import { devClient, openOrderFromList, signIn, startConsoleSetup, type ConsoleSetup } from './support/console.ts';

let setup: ConsoleSetup | undefined;
let h: FulfillmentHarness;
let browser: Browser;
let orderId: string;
beforeAll(async () => {
  setup = await startConsoleSetup();
  ({ h, browser } = setup);
  orderId = await h.submitOrder(sampleOrder({ billingAccountId: `BA-REJECT-${randomUUID().slice(0, 6)}` }));
  await h.pt.awaitUserTask(await h.processInstanceOf(orderId), 'UserTask_ResolveBillingFallout');
}, 120_000);
afterAll(async () => {
  await setup?.close();
});

test('the order waits for a person; the operator claims and unclaims the fallout task', async () => {
  const s = await BrowserScenario.open(browser, 'billing rejected');
  await s.run(async ({ page }) => {
    await signIn(s, h.intakeUrl, 'operator');
    await openOrderFromList(s, orderId);
    await page.getByTestId('order-waiting').waitFor();
    await page.getByTestId('order-status').filter({ hasText: 'IN_FULFILLMENT' }).waitFor();
    await page.locator('[data-testid="order-step"][data-task-type="ACTIVATE_BILLING"]').getByTestId('attempt-outcome').filter({ hasText: 'REJECTED' }).waitFor();
    await s.step('the order waits for a person');

    await page.getByTestId('nav-user-tasks').click();
    const row = page.getByTestId('user-task-row').filter({ hasText: orderId });
    await row.waitFor();
    await s.step('the fallout task in the user tasks list');
    await row.getByTestId('user-task-claim').click();
    await row.getByTestId('user-task-assignee').filter({ hasText: devClient('operator').clientId }).waitFor();
    await s.step('claimed');
    await row.getByTestId('user-task-unclaim').click();
    await row.getByTestId('user-task-claim').waitFor();
    await s.step('unclaimed');
  });
}, 120_000);

test('a viewer sees the task but is offered no claim', async () => {
  const s = await BrowserScenario.open(browser, 'billing rejected viewer');
  await s.run(async ({ page }) => {
    await signIn(s, h.intakeUrl, 'viewer', '/console/user-tasks');
    const row = page.getByTestId('user-task-row').filter({ hasText: orderId });
    await row.waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    await s.step('the viewer sees the task without actions');
  });
}, 120_000);
