import { FaultRuleBook, checkRuleTarget, faultRuleInputSchema, type FaultCatalog, type FaultTarget } from './fault-rules.ts';

const rule = (input: unknown) => faultRuleInputSchema.parse(input);
const target = (over: Partial<FaultTarget> = {}): FaultTarget => ({ system: 'inventory', operation: 'createReservation', params: {}, query: {}, body: {}, ...over });
const catalog: FaultCatalog = {
  inventory: { createReservation: { asynchronous: false }, findReservations: { asynchronous: false } },
  provisioning: { submitServiceOrder: { asynchronous: true }, getServiceOrder: { asynchronous: false } },
};

describe('fault rule input', () => {
  it('accepts a bare string for faults without parameters and defaults times to 1', () => {
    expect(rule({ system: 'inventory', fault: 'drop-connection' })).toEqual({ system: 'inventory', fault: { type: 'drop-connection' }, times: 1 });
  });

  it('fills in the defaults of malformed and async-failure', () => {
    expect(rule({ system: 'inventory', fault: 'malformed' }).fault).toEqual({ type: 'malformed', variant: 'missing-fields' });
    expect(rule({ system: 'provisioning', fault: { type: 'async-failure' } }).fault).toEqual({ type: 'async-failure', errCd: 'PROV_FAILED', errMsg: 'simulated provisioning failure', status: 'ERR' });
  });

  it.each<[unknown, string]>([
    [{ system: 'inventory', fault: { type: 'latency' } }, 'latency without ms'],
    [{ system: 'inventory', fault: { type: 'explode' } }, 'unknown fault type'],
    [{ system: 'inventory', fault: 'latency', times: 0 }, 'times 0'],
    [{ system: 'inventory', fault: 'auth', extra: true }, 'unknown field'],
    [{ system: 'inventory', fault: { type: 'status', status: 99 } }, 'status out of range'],
  ])('rejects %j (%s)', (input: unknown) => {
    expect(faultRuleInputSchema.safeParse(input).success).toBe(false);
  });
});

describe('checkRuleTarget', () => {
  it('names unknown systems and operations', () => {
    expect(checkRuleTarget(rule({ system: 'erp', fault: 'auth' }), catalog)).toMatch(/unknown system "erp"/);
    expect(checkRuleTarget(rule({ system: 'inventory', operation: 'reserve', fault: 'auth' }), catalog)).toMatch(/unknown operation "reserve"/);
    expect(checkRuleTarget(rule({ system: 'inventory', operation: 'createReservation', fault: 'auth' }), catalog)).toBeUndefined();
  });

  it('allows async-failure only where an operation completes asynchronously', () => {
    expect(checkRuleTarget(rule({ system: 'inventory', fault: 'async-failure' }), catalog)).toMatch(/asynchronous/);
    expect(checkRuleTarget(rule({ system: 'provisioning', operation: 'getServiceOrder', fault: 'async-failure' }), catalog)).toMatch(/asynchronous/);
    expect(checkRuleTarget(rule({ system: 'provisioning', fault: 'async-failure' }), catalog)).toBeUndefined();
  });
});

describe('FaultRuleBook', () => {
  it('consumes one use per matching request and then forgets the rule', () => {
    const book = new FaultRuleBook();
    book.add(rule({ system: 'inventory', fault: 'auth', times: 2 }));
    expect(book.take(target())).toEqual({ type: 'auth' });
    expect(book.list()[0]?.remaining).toBe(1);
    expect(book.take(target())).toEqual({ type: 'auth' });
    expect(book.take(target())).toBeUndefined();
    expect(book.list()).toHaveLength(0);
  });

  it('keeps a times -1 rule forever', () => {
    const book = new FaultRuleBook();
    book.add(rule({ system: 'inventory', fault: 'auth', times: -1 }));
    for (let i = 0; i < 5; i++) expect(book.take(target())).toEqual({ type: 'auth' });
    expect(book.list()[0]?.remaining).toBe(-1);
  });

  it('does not use up a rule on requests of another system or operation', () => {
    const book = new FaultRuleBook();
    book.add(rule({ system: 'inventory', operation: 'findReservations', fault: 'auth' }));
    expect(book.take(target({ system: 'billing' }))).toBeUndefined();
    expect(book.take(target())).toBeUndefined();
    expect(book.take(target({ operation: 'findReservations' }))).toEqual({ type: 'auth' });
  });

  it('matches body fields, dotted body paths, path and query parameters, all of them', () => {
    const book = new FaultRuleBook();
    book.add(rule({ system: 'inventory', match: { orderRef: 'O-1', 'constraints.stock': 3, reservationId: 'R-1', idempotencyKey: 'K' }, fault: 'auth', times: -1 }));
    const full = target({ body: { orderRef: 'O-1', constraints: { stock: 3 } }, params: { reservationId: 'R-1' }, query: { idempotencyKey: 'K' } });
    expect(book.take(full)).toBeDefined();
    expect(book.take({ ...full, body: { orderRef: 'O-2', constraints: { stock: 3 } } })).toBeUndefined();
    expect(book.take({ ...full, body: { orderRef: 'O-1' } })).toBeUndefined();
    expect(book.take({ ...full, query: {} })).toBeUndefined();
  });

  it('compares a number in the rule with the text of a path or query parameter', () => {
    const book = new FaultRuleBook();
    book.add(rule({ system: 'inventory', match: { page: 2 }, fault: 'auth' }));
    expect(book.take(target({ query: { page: '3' } }))).toBeUndefined();
    expect(book.take(target({ query: { page: '2' } }))).toEqual({ type: 'auth' });
  });

  it('applies rules in installation order, and skips rules the request cannot honour without using them', () => {
    const book = new FaultRuleBook();
    book.add(rule({ system: 'provisioning', fault: 'async-failure' }));
    book.add(rule({ system: 'provisioning', fault: { type: 'latency', ms: 5 } }));
    const read = target({ system: 'provisioning', operation: 'getServiceOrder' });
    expect(book.take(read, (f) => f.type !== 'async-failure')).toEqual({ type: 'latency', ms: 5 });
    expect(book.list().map((r) => r.fault.type)).toEqual(['async-failure']);
  });

  it('clear() removes every rule and says how many', () => {
    const book = new FaultRuleBook();
    book.add(rule({ system: 'inventory', fault: 'auth' }));
    book.add(rule({ system: 'crm', fault: 'auth' }));
    expect(book.clear()).toBe(2);
    expect(book.take(target())).toBeUndefined();
  });
});
