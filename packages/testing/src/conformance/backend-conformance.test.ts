import { nodeBackend, probeNodeBackend } from '@sparse/backend-node';
import { wasmBackend } from '@sparse/backend-wasm';
import { createRuntime } from '@sparse/core';
import { describeBackendConformance } from './describe-backend-conformance.js';

const quiet = { onWarning: () => undefined };

describeBackendConformance({
  name: 'cpu',
  activate: () => createRuntime({ backend: 'cpu', ...quiet }),
});

/** Stock @tensorflow/tfjs-backend-wasm 4.22.0 bugs, reproduced without @sparse's kernels too. */
describeBackendConformance({
  name: 'wasm',
  activate: () => createRuntime({ backend: 'wasm', plugins: [wasmBackend()], ...quiet }),
  knownDeviations: {
    'fused matMul with batch dims, bias and relu': 'the bias is added wrongly when a fused matMul has batch dims; 2-D dense layers are unaffected',
    'sign of tiny non-zero values is ±1': 'sign(x) is 0 for |x| below about 1e-7',
    'cast float32 → bool is true for every non-zero value': 'the numbers are copied into uint8 (2.7 → 2, −2 → 254, 0.5 → 0, NaN → 0)',
    'oneHot to float32 with custom on/off values': 'int32 bit patterns are written into the float32 output',
  },
});

describeBackendConformance({
  name: 'tensorflow',
  availability: await probeNodeBackend(),
  activate: () => createRuntime({ backend: 'tensorflow', plugins: [nodeBackend()], ...quiet }),
});
