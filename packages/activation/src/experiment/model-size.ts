/** A model reference of a config: a name, or `{ name, ...options }`. */
type ModelRef = string | { readonly name: string; readonly [option: string]: unknown };

const size = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);

/**
 * An estimate of a built-in model's trainable parameters and activations per example from its
 * config reference, without building it (a 65536-wide model would allocate for minutes): for
 * `relu-mlp`, `gated-mlp` and `vit` with their default sizes; `undefined` for another (a plugin's)
 * model, which is checked when it is built.
 *
 * @example
 * ```ts
 * import { activationModelSize } from './model-size.js';
 *
 * console.log(activationModelSize({ name: 'relu-mlp', hidden: [64] })); // { parameters: 50890, activations: 858 }
 * ```
 */
export function activationModelSize(ref: ModelRef): { readonly parameters: number; readonly activations: number; readonly description: string } | undefined {
  const options: Readonly<Record<string, unknown>> = typeof ref === 'string' ? {} : ref;
  const name = typeof ref === 'string' ? ref : ref.name;
  switch (name) {
    case 'relu-mlp': {
      const widths = [784, ...(Array.isArray(options['hidden']) ? (options['hidden'] as number[]) : [256]), 10];
      let parameters = 0;
      for (let l = 1; l < widths.length; l += 1) parameters += ((widths[l - 1] as number) + 1) * (widths[l] as number);
      return { parameters, activations: widths.reduce((sum, width) => sum + width, 0), description: `relu-mlp [${widths.join(', ')}]` };
    }
    case 'gated-mlp': {
      const d = size(options['dModel'], 128);
      const h = size(options['hidden'], 512);
      const blocks = size(options['blocks'], 3);
      return { parameters: 785 * d + blocks * (3 * d * h + d) + (d + 1) * 10, activations: 784 + blocks * (2 * d + 3 * h) + 10, description: `gated-mlp (dModel ${d}, hidden ${h}, ${blocks} blocks)` };
    }
    case 'vit': {
      const patch = size(options['patch'], 7);
      const d = size(options['dModel'], 64);
      const h = size(options['hidden'], 128);
      const layers = size(options['layers'], 2);
      const tokens = Math.ceil(28 / patch) ** 2;
      return {
        parameters: (patch * patch + 1) * d + tokens * d + layers * (4 * d * d + 3 * d * h + 2 * d) + (d + 1) * 10,
        activations: 784 + layers * tokens * (6 * d + 3 * h + tokens) + 10,
        description: `vit (patch ${patch}, dModel ${d}, hidden ${h}, ${layers} layers)`,
      };
    }
    default:
      return undefined;
  }
}
