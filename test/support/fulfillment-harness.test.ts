// The harness cleans up what keeps running on its own: its reconciliation copy holds a sweep with a
// timer start event, which would start an instance every minute for as long as the stack runs.
import { FulfillmentHarness } from './fulfillment-harness.ts';
import { ProcessTest, eventually } from './process-test.ts';

const GRPC_NOT_FOUND = 5;
const GRPC_FAILED_PRECONDITION = 9;

/**
 * Whether the engine holds a definition of a process that only a timer or a message starts: asked
 * to start it by hand, the engine refuses for want of a none start event while it is deployed
 * (nothing is started), and answers NOT_FOUND once it is deleted.
 */
async function definitionOf(pt: ProcessTest, bpmnProcessId: string): Promise<'deployed' | 'gone'> {
  try {
    await pt.zeebe.createProcessInstance({ bpmnProcessId, variables: {} });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === GRPC_NOT_FOUND) return 'gone';
    if (code === GRPC_FAILED_PRECONDITION) return 'deployed';
    throw err;
  }
  throw new Error(`${bpmnProcessId} was started by hand: it is not the timer- or message-started process this check is for`);
}

test('close() deletes the harness reconciliation copy, so its timer-started sweep stops', async () => {
  const pt = new ProcessTest();
  const h = await FulfillmentHarness.start({ withoutFarm: true });
  let closed = false;
  try {
    const sweep = `reconciliation-sweep-${h.suffix}`;
    const caseProcess = `reconciliation-case-${h.suffix}`;
    expect(await definitionOf(pt, sweep)).toBe('deployed');
    expect(await definitionOf(pt, caseProcess)).toBe('deployed');
    await h.close();
    closed = true;
    // the deletion reaches every partition shortly after the command is answered
    await eventually(`${sweep} and ${caseProcess} to be deleted`, async () =>
      (await definitionOf(pt, sweep)) === 'gone' && (await definitionOf(pt, caseProcess)) === 'gone' ? true : undefined,
    );
  } finally {
    if (!closed) await h.close();
    await pt.close();
  }
}, 90_000);
