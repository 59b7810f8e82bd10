/**
 * The ten Fashion-MNIST classes, indexed by label (0 = T-shirt/top … 9 = Ankle boot), as named by
 * Zalando Research.
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_CLASSES } from '@sparse/datasets';
 *
 * console.log(FASHION_MNIST_CLASSES[9]); // 'Ankle boot'
 * ```
 */
export const FASHION_MNIST_CLASSES = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const);

/**
 * The name of a Fashion-MNIST class.
 *
 * @example
 * ```ts
 * import type { FashionMnistClass } from '@sparse/datasets';
 *
 * const name: FashionMnistClass = 'Sneaker';
 * ```
 */
export type FashionMnistClass = (typeof FASHION_MNIST_CLASSES)[number];
