import type { MaskSet, NamedParameter } from '@sparse/core';
import type { RunDirectory, TensorRecord, UnitContext } from '@sparse/experiments';

/** The store of a unit's final weights and masks inside the run directory. */
function storeFolder(unitId: string): string {
  return `models/${unitId}`;
}

interface StoredModel {
  readonly parameters: readonly string[];
  readonly masks: readonly string[];
}

/** A unit's final weights and the masks of its hard selection, as read back from the run directory. */
export interface FinalModel {
  readonly parameters: ReadonlyMap<string, Float32Array>;
  readonly masks: ReadonlyMap<string, { readonly shape: readonly number[]; readonly values: Float32Array }>;
}

/** Saves a unit's final weights (`p<i>`) and masks (`k<i>`) under `models/<unit id>` (key `final`). */
export async function saveFinalModel(context: UnitContext, parameters: readonly NamedParameter[], shapes: ReadonlyMap<string, readonly number[]>, masks: MaskSet | undefined): Promise<void> {
  const tensors: Record<string, TensorRecord> = {};
  for (const [i, p] of parameters.entries()) tensors[`p${i}`] = { dtype: 'float32', shape: shapes.get(p.name) ?? [...p.variable.shape], data: Float32Array.from(await p.variable.data()) };
  const maskNames = [...(masks?.keys() ?? [])];
  for (const [i, name] of maskNames.entries()) {
    const mask = masks?.get(name);
    if (mask !== undefined) tensors[`k${i}`] = { dtype: 'float32', shape: [...mask.shape], data: Float32Array.from(await mask.data()) };
  }
  const state: StoredModel = { parameters: parameters.map((p) => p.name), masks: maskNames };
  await context.run.store(storeFolder(context.id)).save('final', { state: state as never, tensors });
}

/** Reads what {@link saveFinalModel} saved for a unit. */
export async function loadFinalModel(run: RunDirectory, unitId: string): Promise<FinalModel> {
  const saved = await run.store(storeFolder(unitId)).load('final');
  const state = saved.state as unknown as StoredModel;
  const data = (key: string): { shape: readonly number[]; values: Float32Array } => {
    const record = saved.tensors.get(key);
    if (record === undefined || !(record.data instanceof Float32Array)) throw new Error(`the saved model of ${unitId} has no tensor ${key}`);
    return { shape: record.shape, values: record.data };
  };
  return {
    parameters: new Map(state.parameters.map((name, i) => [name, data(`p${i}`).values] as const)),
    masks: new Map(state.masks.map((name, i) => [name, data(`k${i}`)] as const)),
  };
}
