export { nodeBackend, NODE_BACKEND_PLUGIN_ID } from './node-backend.js';
export type { ModuleImporter, NodeBackendOptions } from './node-backend-options.js';
export { tensorflowBackendProvider } from './tensorflow-provider.js';
export { probeNodeBackend, type BackendAvailability } from './probe-node-backend.js';
export { installUtilShim, type LegacyUtil } from './util-shim.js';
export { classifyTfjsNodeError, type TfjsNodeFailure, type TfjsNodeFailureKind } from './classify-load-error.js';
export { tfjsNodeUnavailableError } from './unavailable-error.js';
export { TFJS_NODE_PACKAGE, TENSORFLOW_BACKEND_NAME } from './tfjs-node-package.js';
export { nodeBackend as default } from './node-backend.js';
