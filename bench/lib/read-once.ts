/** One read of the data (a sum), the physical floor of any selection. */
export function readOnce(values: Float32Array): number {
  let a = 0;
  let b = 0;
  const n = values.length - (values.length % 2);
  for (let i = 0; i < n; i += 2) {
    a += values[i] as number;
    b += values[i + 1] as number;
  }
  return a + b + (n < values.length ? (values[n] as number) : 0);
}
