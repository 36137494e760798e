// In a real browser: an ambiguous billing call whose outcome the reconciler cannot learn (billing's
// lookup keeps failing past the checks it may make) goes to manual review. The operator finds the
// case in the cases list, reads what the reconciler saw, decides RETRY with a note in the decision
// form; the order resumes and completes, billing acting once (it deduplicates on our key).
import type { Browser } from 'playwright-core';
import type { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { eventually } from '../support/process-test.ts';
import { BrowserScenario } from './support/browser.ts';
import { devClient, orderPageLoaded, reloadUntil, signIn, startConsoleSetup, type ConsoleSetup } from './support/console.ts';

let setup: ConsoleSetup | undefined;
let h: FulfillmentHarness;
let browser: Browser;
beforeAll(async () => {
  setup = await startConsoleSetup({ env: { EXTERNAL_RESPONSE_TIMEOUT_MS: '1500', RECONCILIATION_RECHECK_DELAY: 'PT2S', RECONCILIATION_MAX_CHECKS: '2' } });
  ({ h, browser } = setup);
}, 120_000);
afterAll(async () => {
  await setup?.close();
});

test('a case in manual review is decided in the decision form and the order completes', async () => {
  const order = sampleOrder();
  const subscriptionId = order.subscription.subscriptionId;
  await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId }, fault: { type: 'timeout-after-commit', ms: 4_000 }, times: 1 });
  await h.fault({ system: 'billing', operation: 'findActivations', fault: { type: 'status', status: 503 }, times: 4 });
  const orderId = await h.submitOrder(order);
  const caseId = await eventually('the case to reach manual review', async () => {
    const [kase] = await h.cases(orderId);
    return kase?.status === 'MANUAL_REVIEW' ? kase.reconciliation_case_id : undefined;
  }, { timeoutMs: 90_000 });

  const s = await BrowserScenario.open(browser, 'case decision');
  await s.run(async ({ page }) => {
    await signIn(s, h.intakeUrl, 'operator', '/console/cases?status=MANUAL_REVIEW');
    const row = page.locator(`[data-testid="case-row"][data-case-id="${caseId}"]`);
    await row.waitFor();
    await s.step('the case among those in manual review');
    await row.getByTestId('case-link').click();
    await page.getByTestId('case-detail-status').filter({ hasText: 'MANUAL_REVIEW' }).waitFor();
    await page.getByTestId('case-history-action').filter({ hasText: 'ESCALATED' }).waitFor();
    await page.getByTestId('case-evidence-row').first().waitFor();
    await page.getByTestId('case-decision-form').waitFor();
    await s.step('what the reconciler saw, and the decision form');

    await decide(s, 'RETRY', 'billing support confirmed nothing is active');
    await page.getByTestId('notice-banner').filter({ hasText: 'Decision RETRY submitted' }).waitFor();
    // the farm accepted the decision; the reconciler records it once the decision task completes
    await reloadUntil(s, () => page.getByTestId('case-history-action'), 'DECIDED', 60_000);
    await s.step('the decision in the case history');

    await page.getByRole('link', { name: orderId }).click();
    await reloadUntil(s, () => page.getByTestId('order-status'), 'COMPLETED', 90_000);
    await orderPageLoaded(s);
    await page.getByTestId('order-no-incidents').waitFor();
    await s.step('the order completed');
  });
  expect(await h.sideEffects({ system: 'billing', ref: subscriptionId })).toHaveLength(1);
  const history = (await (await h.fetchAs('viewer', `/operator/cases/${caseId}`)).json()) as { history: { action: string; actor: string }[] };
  expect(history.history.map((entry) => `${entry.action}:${entry.actor}`)).toContain(`DECIDED:operator:${devClient('operator').clientId}`);
}, 240_000);

/**
 * Fills in the decision form and submits it. The farm takes a decision once the case's decision task
 * is there and refuses it with a problem until then (the error banner): the operator reloads the
 * page and decides again, as a person would.
 */
async function decide(s: BrowserScenario, decision: string, note: string): Promise<void> {
  const { page } = s;
  for (let tries = 1; ; tries++) {
    await page.getByTestId(`case-decision-${decision}`).check();
    await page.getByTestId('case-decision-note').fill(note);
    if (tries === 1) await s.step(`${decision} decided with a note`);
    await page.getByTestId('case-decision-submit').click();
    const answer = await Promise.race([
      page.getByTestId('notice-banner').filter({ hasText: 'Decision' }).waitFor().then(() => 'taken' as const, () => 'no answer' as const),
      page.getByTestId('error-banner').filter({ hasText: /\S/ }).waitFor().then(() => 'refused' as const, () => 'no answer' as const),
    ]);
    if (answer === 'taken') return;
    if (answer === 'no answer' || tries >= 20) throw new Error(`the decision was not taken (${answer}, try ${tries}): ${await page.getByTestId('error-banner').textContent()}`);
    await page.waitForTimeout(1_000);
    await page.reload();
    await page.getByTestId('case-decision-form').waitFor();
  }
}
