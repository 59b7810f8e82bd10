/**
 * Downloads: text files, and the ticket's masks and weights as safetensors (core's writer), which
 * `sparse prune` and PyTorch (`safetensors.torch.load_file`) read. Masks are `U8` tensors of the
 * kernels' shapes (1 = kept, 0 = pruned; core's `u8` mask format); weights are `F32`.
 */
import { encodeMaskEntries, serializeSafetensors, type BinaryMask } from '@sparse/core';
import type { TicketState } from './results.js';

/** The ticket's masks as a safetensors file (`u8` mask format). */
export function masksFile(ticket: TicketState): Uint8Array {
  const masks = new Map<string, BinaryMask>(ticket.masks.map((mask) => [mask.name, { shape: [...mask.shape], kept: mask.kept }]));
  const { entries, metadata } = encodeMaskEntries(masks, 'u8');
  return serializeSafetensors(entries, { metadata: { ...metadata, 'sparse.level': String(ticket.level), 'sparse.seed': String(ticket.seed) } });
}

/** The ticket's trained weights (every parameter, pruned entries exactly 0) as an `F32` safetensors file. */
export function weightsFile(ticket: TicketState): Uint8Array {
  const entries = ticket.weights.map((w) => ({ name: w.name, dtype: 'F32' as const, shape: [...w.shape], data: new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength) }));
  return serializeSafetensors(entries, { metadata: { 'sparse.level': String(ticket.level), 'sparse.seed': String(ticket.seed) } });
}

/** Offers bytes or text as a file download. */
export function download(name: string, content: Uint8Array | string, type: string): void {
  const blob = new Blob([typeof content === 'string' ? content : content.slice().buffer], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
