import { describe, expect, it } from 'vitest';
import { SPARSE_ERROR_CODES, SparseError, isSparseError, isSparseErrorCode } from './errors.js';

describe('SparseError', () => {
  it('carries a code, a message and details', () => {
    const error = new SparseError('E_CONFIG', 'bad sparsity', { field: 'sparsity', received: 2 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SparseError');
    expect(error.code).toBe('E_CONFIG');
    expect(error.details.field).toBe('sparsity');
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('root');
    expect(new SparseError('E_IO', 'wrap', {}, { cause }).cause).toBe(cause);
  });

  it('is recognised by isSparseError, by code and without one', () => {
    const error = new SparseError('E_NOT_FOUND', 'missing');
    expect(isSparseError(error)).toBe(true);
    expect(isSparseError(error, 'E_NOT_FOUND')).toBe(true);
    expect(isSparseError(error, 'E_CONFIG')).toBe(false);
    expect(isSparseError(new Error('plain'))).toBe(false);
    expect(isSparseError('E_CONFIG')).toBe(false);
  });

  it('is recognised when it comes from another copy of the library', () => {
    const foreign = Object.assign(new Error('x'), { name: 'SparseError', code: 'E_IO' });
    expect(isSparseError(foreign, 'E_IO')).toBe(true);
  });
});

describe('SPARSE_ERROR_CODES', () => {
  it('lists each code once, and isSparseErrorCode accepts exactly those', () => {
    expect(new Set(SPARSE_ERROR_CODES).size).toBe(SPARSE_ERROR_CODES.length);
    expect(Object.isFrozen(SPARSE_ERROR_CODES)).toBe(true);
    for (const code of SPARSE_ERROR_CODES) expect(isSparseErrorCode(code)).toBe(true);
    expect(isSparseErrorCode('ENOENT')).toBe(false);
    expect(isSparseErrorCode(undefined)).toBe(false);
  });
});
