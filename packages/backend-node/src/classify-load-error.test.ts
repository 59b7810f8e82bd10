import { describe, expect, it } from 'vitest';
import { classifyTfjsNodeError } from './classify-load-error.js';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('classifyTfjsNodeError', () => {
  it('recognises a missing package from ESM and CommonJS resolution errors', () => {
    expect(classifyTfjsNodeError(withCode("Cannot find package '@tensorflow/tfjs-node' imported from /app/a.js", 'ERR_MODULE_NOT_FOUND')).kind).toBe(
      'not-installed',
    );
    expect(classifyTfjsNodeError(withCode("Cannot find module '@tensorflow/tfjs-node'\nRequire stack:\n- /app/a.cjs", 'MODULE_NOT_FOUND')).kind).toBe(
      'not-installed',
    );
  });

  it('does not mistake a missing dependency of tfjs-node for tfjs-node itself', () => {
    const error = withCode("Cannot find module '@tensorflow/tfjs'\nRequire stack:\n- /x/@tensorflow/tfjs-node/dist/index.js", 'MODULE_NOT_FOUND');
    expect(classifyTfjsNodeError(error)).toEqual({ kind: 'other', detail: "Cannot find module '@tensorflow/tfjs'" });
  });

  it('recognises a missing native addon and keeps its path', () => {
    const error = new Error(
      'The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/lib/napi-v8/tfjs_binding.node. \nPlease run command ...',
    );
    expect(classifyTfjsNodeError(error)).toEqual({ kind: 'native-library', detail: 'tfjs_binding.node not found at /x/lib/napi-v8/tfjs_binding.node' });
  });

  it('recognises dlopen failures of libtensorflow', () => {
    const error = withCode('libtensorflow.so.2: cannot open shared object file: No such file or directory', 'ERR_DLOPEN_FAILED');
    expect(classifyTfjsNodeError(error)).toEqual({
      kind: 'native-library',
      detail: 'libtensorflow.so.2: cannot open shared object file: No such file or directory',
    });
    expect(classifyTfjsNodeError(withCode('/x/tfjs_binding.node: invalid ELF header', 'ERR_DLOPEN_FAILED')).kind).toBe('native-library');
  });

  it('classifies anything else as other, with a bounded one-line detail', () => {
    expect(classifyTfjsNodeError('boom')).toEqual({ kind: 'other', detail: 'boom' });
    const long = classifyTfjsNodeError(new Error('x'.repeat(1000)));
    expect(long.kind).toBe('other');
    expect(long.detail.length).toBeLessThanOrEqual(240);
    expect(classifyTfjsNodeError(new Error('')).detail).toBe('no error message');
  });
});
