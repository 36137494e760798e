// In a real browser: billing rejects the subscription (the account is not eligible), so the order
// waits for a person: the billing fallout user task. The order page says it waits; a viewer sees the
// task's form read only; the operator finds the task under User tasks, claims and unclaims it, opens
// it, is told the form needs a decision; the billing team makes the account eligible; the operator
// chooses "Retry billing" with a note and completes the task: billing is asked again under the same
// key (the attempt's next try), activates, and the order reads COMPLETED, its diagram at its end.
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import type { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { BrowserScenario } from './support/browser.ts';
import { devClient, diagramShape, openOrderFromList, orderPageLoaded, reloadUntil, signIn, startConsoleSetup, type ConsoleSetup } from './support/console.ts';

let setup: ConsoleSetup | undefined;
let h: FulfillmentHarness;
let browser: Browser;
let orderId: string;
// the billing simulator refuses accounts BA-REJECT… (422, not eligible) until made eligible
const order = sampleOrder({ billingAccountId: `BA-REJECT-${randomUUID().slice(0, 6)}` });
const { billingAccountId, subscriptionId } = order.subscription;
beforeAll(async () => {
  setup = await startConsoleSetup();
  ({ h, browser } = setup);
  orderId = await h.submitOrder(order);
  await h.pt.awaitUserTask(await h.processInstanceOf(orderId), 'UserTask_ResolveBillingFallout');
}, 120_000);
afterAll(async () => {
  await setup?.close();
});

test("a viewer sees the fallout task and its form, read only, with no action offered", async () => {
  const s = await BrowserScenario.open(browser, 'billing rejected viewer');
  await s.run(async ({ page }) => {
    await signIn(s, h.intakeUrl, 'viewer', '/console/user-tasks');
    const row = page.getByTestId('user-task-row').filter({ hasText: orderId });
    await row.waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
    await row.getByTestId('user-task-link').click();
    await page.getByTestId('task-form').waitFor();
    expect(await page.getByTestId('user-task-complete').count()).toBe(0);
    expect(await page.getByTestId('form-option-falloutDecision-RETRY').isDisabled()).toBe(true);
    await s.step('the viewer sees the task read only');
  });
}, 120_000);

test('the operator completes the fallout task with its form, billing is retried and the order completes', async () => {
  const s = await BrowserScenario.open(browser, 'billing rejected');
  await s.run(async ({ page }) => {
    await signIn(s, h.intakeUrl, 'operator');
    await openOrderFromList(s, orderId);
    await page.getByTestId('order-waiting').waitFor();
    await page.getByTestId('order-status').filter({ hasText: 'IN_FULFILLMENT' }).waitFor();
    const billingStep = page.locator('[data-testid="order-step"][data-task-type="ACTIVATE_BILLING"]');
    await billingStep.getByTestId('attempt-outcome').filter({ hasText: 'REJECTED' }).waitFor();
    await page.getByTestId('order-diagram').locator(diagramShape('UserTask_ResolveBillingFallout', 'state-active')).waitFor();
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

    await row.getByTestId('user-task-link').click();
    const form = page.getByTestId('task-form');
    await form.waitFor();
    // prefilled from the instance's variables
    expect(await page.getByTestId('form-field-orderId').locator('input').inputValue()).toBe(orderId);
    expect(await page.getByTestId('form-field-falloutReason').locator('input').inputValue()).not.toBe('');
    await s.step('the task with its form');

    // the form declares the decision required
    await page.getByTestId('user-task-complete').click();
    await page.getByTestId('form-error-falloutDecision').filter({ hasText: /\S/ }).waitFor();
    await s.step('the form asks for a decision');

    // meanwhile the billing team fixes the account
    await h.makeBillingAccountEligible(billingAccountId);
    await page.getByTestId('form-option-falloutDecision-RETRY').check();
    await page.getByTestId('form-field-falloutNote').locator('textarea').fill('the billing team made the account eligible');
    await s.step('decision and note filled in');
    await page.getByTestId('user-task-complete').click();
    // Complete leads back to the order; a reload shows it once billing has been retried
    await page.getByTestId('order-status').waitFor();
    await reloadUntil(s, () => page.getByTestId('order-status'), 'COMPLETED', 60_000);
    await orderPageLoaded(s);
    const diagram = page.getByTestId('order-diagram');
    await diagram.locator(diagramShape('UserTask_ResolveBillingFallout', 'state-completed')).waitFor();
    await diagram.locator(diagramShape('EndEvent_OrderCompleted', 'state-completed')).waitFor();
    // one ledger attempt under one key: its first try rejected, its second succeeded
    await billingStep.getByTestId('step-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
    await billingStep.getByTestId('attempt-outcome').filter({ hasText: 'SUCCEEDED' }).waitFor();
    await billingStep.getByTestId('attempt-evidence').locator('summary').click();
    const evidence = billingStep.getByTestId('evidence');
    await evidence.filter({ hasText: 'REJECTED' }).first().waitFor();
    await evidence.filter({ hasText: 'SUCCEEDED' }).first().waitFor();
    await s.step('billing retried: the order completed');
  });
  expect(await h.orderStatus(orderId)).toBe('COMPLETED');
  await h.pt.awaitCompleted(await h.processInstanceOf(orderId));
  expect(await h.sideEffects({ system: 'billing', operation: 'activateSubscription', ref: subscriptionId })).toHaveLength(1);
}, 150_000);
