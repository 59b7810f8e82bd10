import { SparseError, TrainingEngines, refName, type ImplementationRef, type SparseRuntime, type TrainableModel, type TrainingEngine } from '@sparse/core';

/** The engine tried first when a config names none: whole steps in WebAssembly SIMD, where it is registered and accepts the model. */
const PREFERRED = 'dense-trainer';
/** The engine used otherwise: core's, which trains any model. */
const FALLBACK = 'fused';

/**
 * The training engine a run trains on, built through the runtime: the one `ref` names (`"stock"`,
 * `{ "name": …, …options }`), which must accept the model with masks on `maskNames`; or, without
 * `ref`, `dense-trainer` when the runtime has it (the wasm backend's plugin registers it) and it
 * accepts the model, else `fused`.
 *
 * @param runtime - the runtime whose `TrainingEngines` table is used.
 * @param ref - the config's `engine`, or `undefined` for the default.
 * @param model - the model to train (its parameters and `denseLayers`).
 * @param maskNames - the parameters that will carry masks.
 * @param field - the config field named in errors.
 * @throws SparseError `E_CONFIG` (field `engine`) for an unknown engine, invalid options, or an
 * engine that refuses the model, listing the engines that accept it.
 *
 * @example
 * ```ts
 * import { createDenseMlp, createRuntime, heNormal } from '@sparse/core';
 * import { resolveTrainingEngine } from '@sparse/experiments';
 *
 * const runtime = await createRuntime({ backend: 'cpu' });
 * const model = createDenseMlp({ layerSizes: [784, 300, 100, 10], initializer: heNormal, seed: 0 });
 * const engine = resolveTrainingEngine(runtime, undefined, model, ['fc1/kernel', 'fc2/kernel', 'fc3/kernel']);
 * console.log(engine.name); // fused: no dense-trainer without the wasm backend's plugin
 * model.dispose();
 * ```
 */
export function resolveTrainingEngine(runtime: SparseRuntime, ref: ImplementationRef | undefined, model: TrainableModel, maskNames: readonly string[], field = 'engine'): TrainingEngine {
  if (ref === undefined) {
    if (runtime.has(TrainingEngines, PREFERRED)) {
      const preferred = runtime.resolve(TrainingEngines, PREFERRED, field);
      if (preferred.refusal(model, maskNames) === undefined) return preferred;
    }
    return runtime.resolve(TrainingEngines, FALLBACK, field);
  }
  const engine = runtime.resolve(TrainingEngines, ref, field);
  const refusal = engine.refusal(model, maskNames);
  if (refusal !== undefined) {
    const accepting = runtime.names(TrainingEngines).filter((name) => {
      try {
        return runtime.create(TrainingEngines, name).refusal(model, maskNames) === undefined;
      } catch {
        return false; // an engine that needs options cannot be tried bare
      }
    });
    throw new SparseError('E_CONFIG', `${field}: the training engine '${refName(ref)}' cannot train this model: ${refusal.message} Engines that can: ${accepting.join(', ') || '(none)'}.`, {
      field,
      received: refName(ref),
      allowed: accepting,
    }, { cause: refusal });
  }
  return engine;
}
