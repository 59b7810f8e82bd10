export { captureAdamState, restoreAdamState, type AdamState } from '@sparse/core';
