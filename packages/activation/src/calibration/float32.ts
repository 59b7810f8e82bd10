const view = new DataView(new ArrayBuffer(4));

/** The largest float32 strictly below a positive float32 `x` (0 for the smallest subnormal). */
export function previousFloat32(x: number): number {
  const value = Math.fround(x);
  if (!(value > 0)) return value;
  view.setFloat32(0, value);
  view.setUint32(0, view.getUint32(0) - 1);
  return view.getFloat32(0);
}
