import { echoValue, CUT_ALL, CUT_NONE, RadixSelect, SparseError, countCut, floorCount, markCut, type Cut, type SelectionSegment } from '@sparse/core';
import type { ResolvedDeltaPruneOptions } from '../options/delta-prune-options.js';
import { BernoulliDrops } from './drop-stream.js';
import { absDeltaInto, addAbsSums } from './float-kernels.js';
import type { DeltaTensorSource } from './tensor-source.js';

/** Fills drop flags chunk by chunk; `absDelta` holds the chunk's |δ| (read by magnitude only). */
export interface Dropper {
  fill(flags: Uint8Array, n: number, absDelta: Float32Array): number;
}

/** How one tensor is pruned, decided before any output is written (internal). */
export interface TensorDecision {
  /** A fresh dropper replaying the tensor's drops from its first entry. */
  createDropper(): Dropper;
  /** Whether the dropper needs |δ| (magnitude). */
  readonly needsAbsDelta: boolean;
  /** The factor applied to kept deltas. */
  readonly scale: number;
}

/** Scratch buffers for one chunk (internal). */
export interface Scratch {
  readonly absDelta: Float32Array;
  readonly flags: Uint8Array;
}

/** Scratch buffers for chunks of up to `chunkElements` entries. */
export function createScratch(chunkElements: number): Scratch {
  return { absDelta: new Float32Array(chunkElements), flags: new Uint8Array(chunkElements) };
}

let ones = new Uint8Array(0);

/**
 * The first `n` |δ| of a chunk as a selection segment of `@sparse/core` (every entry a candidate):
 * magnitude pruning is core's exact selection of the lowest scores, |δ| being the score.
 */
function segmentOf(absDelta: Float32Array, n: number): SelectionSegment {
  if (ones.length < n) ones = new Uint8Array(n).fill(1);
  return { scores: absDelta.subarray(0, n), alive: ones.subarray(0, n) };
}

/** Drop flags from a cut, consumed chunk by chunk in flat order (ties: lowest index first). */
class CutDrops implements Dropper {
  private tiesLeft: number;

  constructor(private readonly cut: Cut) {
    this.tiesLeft = cut.ties;
  }

  fill(flags: Uint8Array, n: number, absDelta: Float32Array): number {
    const marked = markCut(segmentOf(absDelta, n), this.cut, this.tiesLeft, flags);
    this.tiesLeft = marked.ties;
    return marked.pruned;
  }
}

async function scanAbs(source: DeltaTensorSource, scratch: Scratch, visit: (segment: SelectionSegment) => void): Promise<void> {
  for await (const chunk of source.chunks()) {
    absDeltaInto(source.dtype, chunk.base, chunk.finetuned, chunk.n, scratch.absDelta);
    visit(segmentOf(scratch.absDelta, chunk.n));
  }
}

/** The cut dropping the `target` smallest |δ| of one tensor, ties by flat index. */
async function tensorCut(source: DeltaTensorSource, target: number, scratch: Scratch): Promise<Cut> {
  if (target <= 0) return CUT_NONE;
  if (target >= source.elementCount) return CUT_ALL;
  const select = new RadixSelect(target);
  await scanAbs(source, scratch, (segment) => select.addHigh(segment));
  select.endHigh();
  await scanAbs(source, scratch, (segment) => select.addLow(segment));
  return select.endLow();
}

/** Per-tensor cuts of global magnitude pruning: one ranking over all sources, ties by (name, index). */
async function globalCuts(sources: readonly DeltaTensorSource[], rate: number, scratch: Scratch): Promise<Map<string, Cut>> {
  const total = sources.reduce((sum, source) => sum + source.elementCount, 0);
  const target = floorCount(rate * total);
  const cuts = new Map<string, Cut>();
  if (target <= 0 || target >= total) {
    for (const source of sources) cuts.set(source.name, target <= 0 ? CUT_NONE : CUT_ALL);
    return cuts;
  }
  const select = new RadixSelect(target);
  for (const source of sources) await scanAbs(source, scratch, (segment) => select.addHigh(segment));
  select.endHigh();
  const inBucket = new Map<string, number>();
  for (const source of sources) {
    let seen = 0;
    await scanAbs(source, scratch, (segment) => {
      seen += select.addLow(segment);
    });
    inBucket.set(source.name, seen);
  }
  const cut = select.endLow();
  const byName = [...sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let tiesLeft = cut.ties;
  for (const source of byName) {
    let ties = 0;
    if (tiesLeft > 0 && (inBucket.get(source.name) ?? 0) > 0) {
      let left = tiesLeft;
      await scanAbs(source, scratch, (segment) => {
        left = countCut(segment, cut, left).ties;
      });
      ties = tiesLeft - left;
      tiesLeft = left;
    }
    cuts.set(source.name, { key: cut.key, ties });
  }
  return cuts;
}

async function l1Factor(source: DeltaTensorSource, createDropper: () => Dropper, scratch: Scratch): Promise<number> {
  const sums = new Float64Array(2);
  const dropper = createDropper();
  await scanAbs(source, scratch, (segment) => {
    const n = segment.scores.length;
    dropper.fill(scratch.flags, n, scratch.absDelta);
    addAbsSums(scratch.absDelta, scratch.flags, n, sums);
  });
  const [before, after] = sums as unknown as [number, number];
  // mergekit's rescaled_masked_tensor: no rescale when either norm is below eps = 1e-7.
  return before < 1e-7 || after < 1e-7 ? 1 : before / after;
}

/**
 * Decides, for every source, which entries are dropped and the factor of the kept ones, reading
 * the sources as many times as the method needs (random: none, or one pass for the L1 rescale;
 * magnitude per tensor: two passes; global: two or three) (internal).
 */
export async function planDeltaPruning(
  sources: readonly DeltaTensorSource[],
  options: ResolvedDeltaPruneOptions,
  scratch: Scratch,
): Promise<Map<string, TensorDecision>> {
  const { rate, method, rescale, seed } = options;
  const globals = method === 'magnitude' && options.scope === 'global' ? await globalCuts(sources, rate, scratch) : undefined;
  const decisions = new Map<string, TensorDecision>();
  for (const source of sources) {
    let createDropper: () => Dropper;
    if (method === 'random') {
      createDropper = () => new BernoulliDrops(seed, source.name, rate);
    } else {
      const cut = globals?.get(source.name) ?? (await tensorCut(source, floorCount(rate * source.elementCount), scratch));
      createDropper = () => new CutDrops(cut);
    }
    let scale: number;
    switch (rescale.kind) {
      case 'dare':
        scale = rate < 1 ? 1 / (1 - rate) : 1;
        break;
      case 'none':
        scale = 1;
        break;
      case 'q':
        scale = 1 / rescale.qOf(source.name);
        break;
      case 'l1':
        scale = await l1Factor(source, createDropper, scratch);
        break;
      default:
        throw new SparseError('E_INTERNAL', `Unknown rescale rule ${echoValue(rescale)}.`);
    }
    decisions.set(source.name, { createDropper, needsAbsDelta: method === 'magnitude', scale });
  }
  return decisions;
}
