import { evaluateAttribute, evaluateFeel } from '../../src/feel/evaluate.ts';

describe('FEEL', () => {
  it('evaluates `=` attributes as FEEL and other text as a literal', () => {
    expect(evaluateAttribute('=a + 1', { a: 1 }, 0)).toEqual({ ok: true, value: 2 });
    expect(evaluateAttribute('3', {}, 0)).toEqual({ ok: true, value: '3' });
  });

  it('a missing variable is null', () => {
    expect(evaluateFeel('missing', {}, 0)).toEqual({ ok: true, value: null });
    expect(evaluateFeel('missing = "X"', {}, 0)).toEqual({ ok: true, value: false });
  });

  it('has the Camunda built-ins the models need', () => {
    expect(evaluateFeel('get or else(x, "d")', {}, 0)).toEqual({ ok: true, value: 'd' });
    expect(evaluateFeel('is defined(x)', { x: 1 }, 0)).toEqual({ ok: true, value: true });
    expect(evaluateFeel('is defined(x)', { x: null }, 0)).toEqual({ ok: true, value: true });
    expect(evaluateFeel('is defined(x)', {}, 0)).toEqual({ ok: true, value: false });
    expect(evaluateFeel('is defined(x.y) or is defined(x.z)', { x: { y: null } }, 0)).toEqual({ ok: true, value: true });
    expect(evaluateFeel('if is defined(x.z) then 1 else 2', { x: { y: 1 } }, 0)).toEqual({ ok: true, value: 2 });
    expect(evaluateFeel('now()', {}, Date.UTC(2026, 0, 1))).toEqual({ ok: true, value: '2026-01-01T00:00:00Z' });
  });

  it('filters, quantifiers and contexts as the models use them', () => {
    const list = [{ reservationId: 'r' }, { reservationId: null }];
    expect(evaluateFeel('list[reservationId != null]', { list }, 0)).toEqual({ ok: true, value: [{ reservationId: 'r' }] });
    expect(evaluateFeel('every r in list satisfies r.reservationId != null', { list }, 0)).toEqual({ ok: true, value: false });
    expect(evaluateFeel('{a: b}', { b: 1 }, 0)).toEqual({ ok: true, value: { a: 1 } });
  });

  it('a syntax error is a failure with a message', () => {
    const result = evaluateFeel('1 +', {}, 0);
    expect(result.ok).toBe(false);
  });
});

describe('FEEL fast paths agree with feelin', () => {
  it.each(['a', 'a.b', 'null', '"x"', '42', '{k: a, j: a.b, n: null}', 'missing.deep'])('%s', (expression) => {
    const variables = { a: { b: 1 } };
    const viaFeelin = evaluateFeel(`(${expression})`, variables, 0);
    expect(evaluateFeel(expression, variables, 0)).toEqual(viaFeelin);
  });
});
