import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, glorotUniform, Random } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { createDenseSequential, fastPredict } from '@sparse/layers';
import { describe, expect, it } from 'vitest';

// fastPredict (@sparse/layers, ADR 0016) reads a wasm tensor from the backend's heap in place: the
// path that @sparse/layers' own tests (cpu backend) do not take. Here because this package has
// both @sparse/layers and @sparse/backend-wasm (its compacted models are what fastPredict serves).
describe('fastPredict on the wasm backend', () => {
  it('equals model.predict for tensors in the wasm heap and for tensors made on the cpu backend, without leaking', async () => {
    await createRuntime({ backend: 'cpu' });
    const fromCpu = tf.tensor2d(new Random(1).fillNormal(new Float32Array(5 * 20)), [5, 20]);
    await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
    expect(tf.getBackend()).toBe('wasm');
    const model = createDenseSequential({ layerSizes: [20, 33, 17, 3], initializer: glorotUniform, seed: 4, outputActivation: 'softmax' });
    const fast = fastPredict(model);
    const before = tf.memory().numTensors;
    for (const x of [tf.tensor2d(new Random(2).fillNormal(new Float32Array(70 * 20)), [70, 20]), fromCpu]) {
      // fastPredict first: model.predict would move a cpu tensor's values into the wasm heap.
      const [got, want] = tf.tidy(() => [fast.predict(x).dataSync(), (model.predict(x, { batchSize: 70 }) as tf.Tensor).dataSync()]);
      expect(got?.length).toBe(want?.length);
      let worst = 0;
      for (let i = 0; i < (want?.length ?? 0); i++) worst = Math.max(worst, Math.abs((got?.[i] as number) - (want?.[i] as number)));
      expect(worst).toBeLessThanOrEqual(1e-5);
      x.dispose();
    }
    expect(tf.memory().numTensors).toBe(before - 1);
    fast.dispose();
    model.dispose();
  });
});
