export { wasmBackend, WASM_BACKEND_PLUGIN_ID } from './wasm-backend.js';
export { createWasmBackendProvider, wasmBackendProvider } from './wasm-backend-provider.js';
export type { WasmBackendOptions } from './wasm-backend-options.js';
export type { WasmPaths } from './wasm-location.js';
export { WASM_BINARY_NAMES, type WasmBinaryName } from './wasm-binaries.js';
export { installFastKernels, uninstallFastKernels, fastKernelsInstalled } from './fast-kernels/install-fast-kernels.js';
export { createDenseTrainer, type DenseTrainer, type DenseTrainerAdamState, type DenseTrainerLayer, type DenseTrainerOptions } from './parallel/dense-trainer.js';
export { createDenseTrainerEngine, denseTrainerEngine, type DenseTrainerEngine, type DenseTrainerEngineOptions } from './parallel/dense-trainer-engine.js';
export { wasmBackend as default } from './wasm-backend.js';
