#!/usr/bin/env node
// Copies the three .wasm binaries of @tensorflow/tfjs-backend-wasm into dist/wasm/, so that
// @sparse/backend-wasm works offline. Runs as the package's `postbuild`. Each file is written to
// a temporary name in the same folder, then renamed, so a reader never sees half a file.
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAMES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

const packageRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const source = dirname(createRequire(join(packageRoot, 'package.json')).resolve('@tensorflow/tfjs-backend-wasm'));
const target = join(packageRoot, 'dist', 'wasm');

mkdirSync(target, { recursive: true });
for (const name of NAMES) {
  const from = join(source, name);
  if (!existsSync(from)) {
    console.error(`copy-wasm: ${from} does not exist; reinstall dependencies (pnpm install).`);
    process.exit(1);
  }
  const temporary = join(target, `.${name}.${process.pid}.tmp`);
  copyFileSync(from, temporary);
  renameSync(temporary, join(target, name));
}
console.log(`copy-wasm: ${NAMES.length} binaries copied to ${target}`);
