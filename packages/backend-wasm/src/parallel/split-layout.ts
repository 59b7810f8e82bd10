/**
 * How a dense trainer with several threads divides a dense network between its participants, and where each shared
 * buffer's parts are (internal module of `parallel/`).
 *
 * Layer 0 (`sizes[0]` → `sizes[1]`) is split by output units: participant p owns units
 * `[first, first + units)`, its kernel columns (stored transposed, `[units, sizes[0]]`) and bias
 * entries. Layer 1 is split the same way by input rows (`[units, sizes[2]]`). Every later layer,
 * and layer 1's bias, is held whole by every participant.
 */
export interface SplitLayout {
  /** Layer widths, input first: `[in, hidden1, hidden2 or classes, ...]` (at least 3 entries). */
  readonly sizes: readonly number[];
  readonly participants: number;
  readonly batch: number;
}

/** The first unit of layer 0 owned by `participant`, and how many it owns (as even as possible). */
export function unitsOf(layout: SplitLayout, participant: number): { first: number; units: number } {
  const total = layout.sizes[1] as number;
  const base = Math.floor(total / layout.participants);
  const extra = total % layout.participants;
  return { first: participant * base + Math.min(participant, extra), units: base + (participant < extra ? 1 : 0) };
}

/** Floats of the batch buffer: inputs `[batch, in]`, then one-hot targets `[batch, classes]`. */
export function batchFloats(layout: SplitLayout): number {
  const sizes = layout.sizes;
  return layout.batch * ((sizes[0] as number) + (sizes[sizes.length - 1] as number));
}

/** Floats of the exchange buffer: two parities × participants × a partial `[batch, sizes[2]]`. */
export function exchangeFloats(layout: SplitLayout): number {
  return 2 * layout.participants * layout.batch * (layout.sizes[2] as number);
}

/** Offset of a participant's partial product in the exchange buffer at a step parity. */
export function exchangeOffset(layout: SplitLayout, parity: number, participant: number): number {
  return (parity * layout.participants + participant) * layout.batch * (layout.sizes[2] as number);
}

/**
 * The gather buffer: layer 0's kernel transposed `[hidden1, in]`, layer 0's bias `[hidden1]`,
 * layer 1's kernel `[hidden1, sizes[2]]`; participant p writes its rows of each.
 */
export function gatherParts(layout: SplitLayout): { kernel0T: number; bias0: number; kernel1: number; floats: number } {
  const [inputs = 0, hidden = 0, next = 0] = layout.sizes;
  return { kernel0T: 0, bias0: hidden * inputs, kernel1: hidden * inputs + hidden, floats: hidden * inputs + hidden + hidden * next };
}
