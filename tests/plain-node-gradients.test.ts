/**
 * Plain Node (no Vitest transform) loads @tensorflow/tfjs-core's CommonJS build, which registers
 * no gradients; createRuntime must register them there too. Runs the built package in a child.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../', import.meta.url));
const built = existsSync(`${repo}packages/core/dist/index.js`);

describe('training in plain Node', () => {
  it.skipIf(!built)('has gradients after createRuntime (skipped until packages/core is built)', () => {
    const script = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import { createRuntime } from '@sparse/core';",
      "await createRuntime({ backend: 'cpu' });",
      'const g = tf.grad((x) => tf.sum(tf.square(x)))(tf.tensor1d([3]));',
      'console.log(g.dataSync()[0]);',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: `${repo}packages/core`,
      encoding: 'utf8',
    });
    expect(output.trim().split('\n').at(-1)).toBe('6');
  });
});
