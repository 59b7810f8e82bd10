import { at, fromFunction, type NdArray } from './nd-array.js';

/** Options of {@link referenceConv2d}, as `tf.conv2d` takes them (NHWC, HWIO). */
export interface Conv2dOptions {
  readonly strides: number;
  readonly padding: 'same' | 'valid';
  readonly dilation?: number;
}

/** `tf.conv2d(x [n,h,w,cin], filter [kh,kw,cin,cout])` with TensorFlow's SAME/VALID padding rules. */
export function referenceConv2d(x: NdArray, filter: NdArray, { strides, padding, dilation = 1 }: Conv2dOptions): NdArray {
  const [n, h, w, cin] = x.shape as [number, number, number, number];
  const [kh, kw, , cout] = filter.shape as [number, number, number, number];
  const effectiveH = (kh - 1) * dilation + 1;
  const effectiveW = (kw - 1) * dilation + 1;
  const outH = padding === 'same' ? Math.ceil(h / strides) : Math.ceil((h - effectiveH + 1) / strides);
  const outW = padding === 'same' ? Math.ceil(w / strides) : Math.ceil((w - effectiveW + 1) / strides);
  const padTop = padding === 'same' ? Math.floor(Math.max((outH - 1) * strides + effectiveH - h, 0) / 2) : 0;
  const padLeft = padding === 'same' ? Math.floor(Math.max((outW - 1) * strides + effectiveW - w, 0) / 2) : 0;
  return fromFunction([n, outH, outW, cout], ([b = 0, i = 0, j = 0, o = 0]) => {
    let total = 0;
    for (let di = 0; di < kh; di++) {
      const row = i * strides + di * dilation - padTop;
      if (row < 0 || row >= h) continue;
      for (let dj = 0; dj < kw; dj++) {
        const column = j * strides + dj * dilation - padLeft;
        if (column < 0 || column >= w) continue;
        for (let c = 0; c < cin; c++) total += at(x, [b, row, column, c]) * at(filter, [di, dj, c, o]);
      }
    }
    return total;
  });
}
