import { EngineError, isEngineError } from '../src/api.ts';

describe('EngineError', () => {
  it('carries the code the wire layers map to a status', () => {
    const err = new EngineError('NOT_FOUND', 'Expected to find job with key 1, but no such job was found');
    expect(isEngineError(err)).toBe(true);
    expect(err.code).toBe('NOT_FOUND');
    expect(isEngineError(new Error('x'))).toBe(false);
  });
});
