/**
 * Masks and images drawn on canvases: the first layer's mask as one 28×28 map per unit (which
 * input pixels each unit still sees), the other layers' masks as matrices, and the test images
 * whose predictions the page shows.
 */
import type { LayerMask } from './protocol.js';

const KEPT = [16, 42, 67];
const PRUNED = [238, 242, 247];

function paint(canvas: HTMLCanvasElement, width: number, height: number, pixel: (x: number, y: number) => readonly number[]): void {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (context === null) return;
  const image = context.createImageData(width, height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [r = 0, g = 0, b = 0] = pixel(x, y);
      const at = 4 * (y * width + x);
      image.data[at] = r;
      image.data[at + 1] = g;
      image.data[at + 2] = b;
      image.data[at + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
}

/** The first layer's mask `[784, units]`: unit j's 784 inputs as a 28×28 tile, tiles in rows of `columns`, 1 px gaps. */
export function drawInputMasks(canvas: HTMLCanvasElement, mask: LayerMask, columns = 20): void {
  const [inputs, units] = mask.shape;
  const side = Math.round(Math.sqrt(inputs));
  const rows = Math.ceil(units / columns);
  const cell = side + 1;
  paint(canvas, columns * cell - 1, rows * cell - 1, (x, y) => {
    const [tx, ty, px, py] = [Math.floor(x / cell), Math.floor(y / cell), x % cell, y % cell];
    const unit = ty * columns + tx;
    if (px === side || py === side || unit >= units) return [255, 255, 255];
    return mask.kept[(py * side + px) * units + unit] === 1 ? KEPT : PRUNED;
  });
}

/** A kernel's mask `[in, out]` as a matrix: one row per output unit, one column per input. */
export function drawMatrixMask(canvas: HTMLCanvasElement, mask: LayerMask): void {
  const [inputs, outputs] = mask.shape;
  paint(canvas, inputs, outputs, (x, y) => (mask.kept[x * outputs + y] === 1 ? KEPT : PRUNED));
}

/** A 28×28 image with values in [0, 1], dark on light. */
export function drawImage(canvas: HTMLCanvasElement, pixels: Float32Array, side = 28): void {
  paint(canvas, side, side, (x, y) => {
    const v = Math.round(255 * (1 - (pixels[y * side + x] ?? 0)));
    return [v, v, v];
  });
}

/** Percent of a mask kept. */
export function keptPercent(mask: LayerMask): number {
  let kept = 0;
  for (const value of mask.kept) kept += value;
  return (100 * kept) / mask.kept.length;
}
