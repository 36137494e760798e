// The checks between the registries and the TypeScript code, on a copy of the registries with one
// drift seeded each (the code is the repository's own): the check fails, and the findings the
// drift adds name the file and the element.
import { conceptMap } from './checks/concept-map.ts';
import { enums } from './checks/enums.ts';
import { errorMap } from './checks/error-map.ts';
import { messagePublishers } from './checks/message-publishers.ts';
import { DriftFixture } from './testing/drift-fixture.ts';

const VARIABLES = 'contracts/process-variables.yaml';
const ERRORS = 'contracts/error-map.yaml';
const ENUMS = 'contracts/enum-map.yaml';
let fx: DriftFixture;

beforeEach(() => {
  fx = DriftFixture.create();
});
afterEach(() => fx.remove());

describe('message-publishers', () => {
  test('a variable the publisher sends but the registry does not list fails at the publish call', async () => {
    const added = await fx.added(messagePublishers, () => fx.edit(VARIABLES, /\n {6}provisioningSla: \{[^\n]*\}/, ''));
    expect(added).toEqual([expect.stringMatching(/^src\/core\/use-cases\/accept-order\.ts \| line \d+ \| sends variable provisioningSla with OrderAccepted, which .*process-variables\.yaml does not list/)]);
  });

  test('a registry variable no publisher sends, and a publisher the registry does not name, fail', async () => {
    const added = await fx.added(messagePublishers, () => {
      fx.edit(VARIABLES, "      provisioningFailureReason: { meaning: 'why it FAILED, else null' }", "      provisioningFailureReason: { meaning: 'why it FAILED, else null' }\n      provisioningFailureCode: { meaning: 'the code' }");
      fx.edit(VARIABLES, 'publishedBy: [src/core/use-cases/provisioning-result.ts]', 'publishedBy: [src/application/provisioning-callback.ts]');
    });
    expect(added).toEqual([
      expect.stringMatching(/^src\/core\/use-cases\/provisioning-result\.ts \| line \d+ \| does not send variable provisioningFailureCode with ProvisioningCompleted/),
      expect.stringMatching(/process-variables\.yaml \| ProvisioningCompleted\.publishedBy \| names src\/application\/provisioning-callback\.ts/),
      expect.stringMatching(/process-variables\.yaml \| ProvisioningCompleted\.publishedBy \| does not name src\/core\/use-cases\/provisioning-result\.ts/),
    ]);
  });
});

describe('error-map', () => {
  test('an unknown error code: a BPMN error code only in the map, a problem type only in the code', async () => {
    const added = await fx.added(errorMap, () => {
      fx.edit(ERRORS, 'errorCode: BILLING_REJECTED', 'errorCode: BILLING_REFUSED');
      fx.edit(ERRORS, 'http: { status: 400, problemType: invalid-order }', 'http: { status: 400, problemType: invalid-order-body }');
    });
    expect(added).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^src\/core\/domain\/bpmn-errors\.ts \| BILLING_REJECTED \| BPMN_ERRORS has BILLING_REJECTED, .*error-map\.yaml has no bpmn-error with that code/),
        expect.stringMatching(/error-map\.yaml \| BILLING_REFUSED \| bpmn-error BILLING_REFUSED is not in src\/core\/domain\/bpmn-errors\.ts/),
        expect.stringMatching(/^src\/intake\/order-routes\.ts \| problemType\('invalid-order'\) line \d+ \| problem type invalid-order is not in/),
        expect.stringMatching(/error-map\.yaml \| INVALID_ORDER \| problem type invalid-order-body is sent nowhere/),
      ]),
    );
  });

  test('a status, a retry policy, a ledger value and an error payload that disagree with the code', async () => {
    const added = await fx.added(errorMap, () => {
      fx.edit(ERRORS, 'http: { status: 409, problemType: idempotency-key-reused }', 'http: { status: 422, problemType: idempotency-key-reused }');
      fx.edit(ERRORS, /(RATE_LIMITED:\n(?: {4}[^\n]*\n)*? {4}engine: )retry/, '$1incident');
      fx.edit(ERRORS, 'ledger: { attemptStatus: CONFLICT, failureCategory: [CONFLICT] }\n    reconciliation', 'ledger: { attemptStatus: CONFLICTING, failureCategory: [CONFLICT] }\n    reconciliation');
      fx.edit(ERRORS, /(INVENTORY_UNAVAILABLE:[\s\S]*?variables: )\[falloutReason, evidenceId\]/, '$1[falloutReason, evidenceId, itemRef]');
    });
    expect(added).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^src\/intake\/order-routes\.ts \| problemType\('idempotency-key-reused'\) line \d+ \| answers idempotency-key-reused with status 409, .* says 422/),
        expect.stringMatching(/error-map\.yaml \| RATE_LIMITED\.engine \| says "incident", but RETRY_POLICY\.RATE_LIMITED\.workflowRetry is true/),
        expect.stringMatching(/error-map\.yaml \| EXTERNAL_CONFLICT\.ledger\.attemptStatus \| CONFLICTING is not an AttemptStatus/),
        expect.stringMatching(/^src\/integration\/outcome-mapping\.ts \| bpmn-error line \d+ \| does not send variable itemRef with any BPMN error \(here INVENTORY_UNAVAILABLE\)/),
      ]),
    );
  });
});

describe('enums', () => {
  test('an enum value only in TypeScript fails at the TypeScript constant', async () => {
    const added = await fx.added(enums, () => fx.edit(ENUMS, 'values: [ACCEPTED, IN_FULFILLMENT, COMPLETED, REJECTED, FALLOUT, CANCELLED]', 'values: [ACCEPTED, IN_FULFILLMENT, COMPLETED, REJECTED, FALLOUT]'));
    expect(added).toEqual([
      expect.stringMatching(/^src\/core\/domain\/order\.ts \| ORDER_STATUSES \| CANCELLED only in TypeScript ORDER_STATUSES/),
      expect.stringMatching(/contracts\/openapi\/intake\.yaml \| \/components\/schemas\/OrderStatus \| CANCELLED only in OpenAPI/),
    ]);
  });

  test('an OpenAPI enum, a zod enum inside an object and a form that drift', async () => {
    const added = await fx.added(enums, () => {
      fx.edit('contracts/openapi/intake.yaml', 'enum: [PHONE_NUMBER, DEVICE, PORT, IP_ADDRESS]', 'enum: [PHONE_NUMBER, DEVICE, PORT, IP_ADDRESS, SIM_CARD]');
      fx.edit(ENUMS, 'values: [CONSUMER, SMB, ENTERPRISE]', 'values: [CONSUMER, SMB, ENTERPRISE, PUBLIC_SECTOR]');
      fx.edit('bpmn/forms/billing-fallout.form', '"value": "RETRY"', '"value": "RETRY_BILLING"');
    });
    expect(added).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/contracts\/openapi\/intake\.yaml \| \/components\/schemas\/ResourceType \| SIM_CARD only in OpenAPI/),
        expect.stringMatching(/^src\/core\/domain\/order\.ts \| orderRequestSchema\.marketSegment \| PUBLIC_SECTOR only in .*enum-map\.yaml MarketSegment/),
        expect.stringMatching(/bpmn\/forms\/billing-fallout\.form \| Field_FalloutDecision \| RETRY_BILLING only in form billing-fallout field falloutDecision; RETRY only in/),
      ]),
    );
  });

  test('an exported enum tuple no entry names fails at its module', async () => {
    const added = await fx.added(enums, () => fx.edit(ENUMS, 'typescript: [src/core/ports/external-result.ts#EXTERNAL_SYSTEMS]', 'typescript: []'));
    expect(added).toEqual([expect.stringMatching(/^src\/core\/ports\/external-result\.ts \| EXTERNAL_SYSTEMS \| exports enum EXTERNAL_SYSTEMS .* no entry of .*enum-map\.yaml names/)]);
  });
});

describe('concept-map', () => {
  test('a representation that no longer exists fails at the concept', async () => {
    const added = await fx.added(conceptMap, () => {
      fx.edit('contracts/concept-map.yaml', 'bpmn: correlationId', 'bpmn: correlationRef');
      fx.edit('contracts/concept-map.yaml', 'openapi: [openapi/intake.yaml#/components/schemas/OrderId]', 'openapi: [openapi/intake.yaml#/components/schemas/OrderIdentifier]');
      fx.edit('contracts/concept-map.yaml', 'src/core/domain/idempotency-keys.ts#idempotencyKeys', 'src/core/domain/idempotency-keys.ts#idempotencyKeyOf');
    });
    expect(added).toEqual([
      expect.stringMatching(/concept-map\.yaml \| OrderId\.openapi \| openapi\/intake\.yaml has nothing at \/components\/schemas\/OrderIdentifier/),
      expect.stringMatching(/concept-map\.yaml \| IdempotencyKey\.typescript \| src\/core\/domain\/idempotency-keys\.ts does not export idempotencyKeyOf/),
      expect.stringMatching(/concept-map\.yaml \| CorrelationId\.bpmn \| process variable correlationRef is written by no model/),
    ]);
  });
});
